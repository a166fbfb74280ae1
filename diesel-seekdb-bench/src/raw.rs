//! The floor the library is measured against: libmysqlclient driven directly over the
//! text protocol (one `mysql_real_query` round trip per statement, no prepare), and the
//! process CPU clock. The only unsafe code in the workspace outside Diesel itself lives
//! here, because a benchmark of a C client has to call the C client.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::os::raw::c_ulong;

use mysqlclient_sys as ffi;

/// Where to connect, parsed from a `mysql://user[:password]@host[:port]/db` URL.
#[derive(Debug, Clone)]
pub struct Target {
    pub user: String,
    pub password: String,
    pub host: String,
    pub port: u16,
    pub db: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("mysql://")
            .ok_or_else(|| format!("not a mysql:// URL: {url}"))?;
        let (auth, hostpart) = rest.rsplit_once('@').unwrap_or(("root", rest));
        let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
        let (hostport, db) = hostpart.split_once('/').unwrap_or((hostpart, ""));
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| format!("bad port in {url}"))?),
            None => (hostport, 3306),
        };
        Ok(Target {
            user: decode(user),
            password: decode(password),
            host: host.to_string(),
            port,
            db: db.split('?').next().unwrap_or("").to_string(),
        })
    }

    pub fn url(&self) -> String {
        let auth = if self.password.is_empty() {
            encode(&self.user)
        } else {
            format!("{}:{}", encode(&self.user), encode(&self.password))
        };
        format!("mysql://{auth}@{}:{}/{}", self.host, self.port, self.db)
    }

    pub fn with_db(&self, db: &str) -> Self {
        Target {
            db: db.to_string(),
            ..self.clone()
        }
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One libmysqlclient connection used through the text protocol only.
pub struct RawConn(*mut ffi::MYSQL);

// A MYSQL handle may move between threads as long as one thread uses it at a time.
unsafe impl Send for RawConn {}

impl RawConn {
    pub fn connect(t: &Target) -> Result<Self, String> {
        let cstr = |s: &str| CString::new(s).map_err(|e| e.to_string());
        let (host, user, pass, db) = (
            cstr(&t.host)?,
            cstr(&t.user)?,
            cstr(&t.password)?,
            cstr(&t.db)?,
        );
        // SAFETY: a fresh handle from mysql_init is passed to mysql_real_connect with
        // NUL-terminated strings that outlive the call; on failure it is closed once.
        unsafe {
            let h = ffi::mysql_init(std::ptr::null_mut());
            if h.is_null() {
                return Err("mysql_init failed".into());
            }
            let db_ptr = if t.db.is_empty() {
                std::ptr::null()
            } else {
                db.as_ptr()
            };
            let r = ffi::mysql_real_connect(
                h,
                host.as_ptr(),
                user.as_ptr(),
                pass.as_ptr(),
                db_ptr,
                u32::from(t.port),
                std::ptr::null(),
                0,
            );
            if r.is_null() {
                let e = CStr::from_ptr(ffi::mysql_error(h))
                    .to_string_lossy()
                    .into_owned();
                ffi::mysql_close(h);
                return Err(e);
            }
            Ok(RawConn(h))
        }
    }

    fn error(&self) -> String {
        // SAFETY: the handle is open; mysql_error returns a NUL-terminated string it owns.
        unsafe {
            CStr::from_ptr(ffi::mysql_error(self.0))
                .to_string_lossy()
                .into_owned()
        }
    }

    /// Runs one statement and hands each row's fields (NULL as `None`) to `row`.
    /// Returns the number of rows (or affected rows for statements without a result).
    pub fn query(
        &mut self,
        sql: &[u8],
        mut row: impl FnMut(&[Option<&[u8]>]),
    ) -> Result<u64, String> {
        // SAFETY: `sql` is valid for its length; the result set is freed before return,
        // and row pointers are only read within the lengths the library reports.
        unsafe {
            if ffi::mysql_real_query(self.0, sql.as_ptr().cast(), sql.len() as c_ulong) != 0 {
                return Err(self.error());
            }
            let res = ffi::mysql_store_result(self.0);
            if res.is_null() {
                if ffi::mysql_field_count(self.0) != 0 {
                    return Err(self.error());
                }
                return Ok(ffi::mysql_affected_rows(self.0));
            }
            let nf = ffi::mysql_num_fields(res) as usize;
            let mut fields: Vec<Option<&[u8]>> = Vec::with_capacity(nf);
            let mut n = 0;
            loop {
                let r = ffi::mysql_fetch_row(res);
                if r.is_null() {
                    break;
                }
                let lens = ffi::mysql_fetch_lengths(res);
                fields.clear();
                for i in 0..nf {
                    let p = *r.add(i);
                    fields.push(if p.is_null() {
                        None
                    } else {
                        Some(std::slice::from_raw_parts(
                            p.cast::<u8>(),
                            *lens.add(i) as usize,
                        ))
                    });
                }
                row(&fields);
                n += 1;
            }
            ffi::mysql_free_result(res);
            Ok(n)
        }
    }

    pub fn execute(&mut self, sql: &str) -> Result<u64, String> {
        self.query(sql.as_bytes(), |_| {})
    }
}

impl Drop for RawConn {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful connect and is closed exactly once.
        unsafe { ffi::mysql_close(self.0) }
    }
}

/// User + system CPU seconds this process has used so far (all threads).
pub fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the zeroed struct it is given.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut ru) != 0 {
            return 0.0;
        }
        let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
        tv(ru.ru_utime) + tv(ru.ru_stime)
    }
}
