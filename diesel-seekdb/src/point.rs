//! [`Point`]: the Rust value of a seekdb `POINT` column, and its encodings.
//!
//! seekdb (like MySQL) stores a geometry as its SRID (4 bytes, little-endian) followed
//! by the geometry's WKB; that is what a `POINT` column gives the C client and what
//! `CAST(p AS BINARY)` gives any driver. A value is written as `ST_GeomFromWKB(wkb,
//! srid)`: the server checks the SRID (and names an unknown one), and the WKB keeps
//! every bit of the coordinates (no decimal text round trip).

use crate::error::{Error, Result};

/// The SRID seekdb 1.4 supports (a Cartesian plane); `4326` is refused there with
/// error 3548 "Spatial reference system is empty". OceanBase clusters know more.
pub const DEFAULT_SRID: u32 = 0;

/// A 2-D point with its spatial reference system, the value of a `POINT` column.
///
/// ```
/// use diesel_seekdb::Point;
/// let p = Point::new(1.5, 2.0);
/// assert_eq!(p.srid, 0);
/// assert_eq!(p.to_wkt(), "POINT(1.5 2)");
/// assert_eq!(Point::parse_wkt("POINT(1.5 2)", 0).unwrap(), p);
/// let bytes = p.to_internal().unwrap();
/// assert_eq!(bytes.len(), 25);
/// assert_eq!(Point::from_bytes(&bytes).unwrap(), p);
/// assert!(Point::new(f64::NAN, 0.0).to_internal().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default, diesel::deserialize::FromSqlRow)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Point {
    /// The first coordinate (what `ST_X` returns).
    pub x: f64,
    /// The second coordinate (what `ST_Y` returns).
    pub y: f64,
    /// The spatial reference system; [`DEFAULT_SRID`] (0) works on seekdb 1.4.
    #[cfg_attr(feature = "serde", serde(default))]
    pub srid: u32,
}

/// WKB geometry type number of a point.
const WKB_POINT: u32 = 1;
/// Bytes of a point's WKB: byte order, type, two doubles.
const WKB_LEN: usize = 1 + 4 + 8 + 8;

impl Point {
    /// A point in SRID 0.
    pub const fn new(x: f64, y: f64) -> Self {
        Point {
            x,
            y,
            srid: DEFAULT_SRID,
        }
    }

    /// A point in `srid`.
    pub const fn with_srid(x: f64, y: f64, srid: u32) -> Self {
        Point { x, y, srid }
    }

    /// Refuses NaN and infinite coordinates (no geometry can hold them).
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [("point.x", self.x), ("point.y", self.y)] {
            if !v.is_finite() {
                return Err(Error::validation(
                    name,
                    format!("{v} is not a finite coordinate"),
                ));
            }
        }
        Ok(())
    }

    /// Well-known text, what `ST_AsText` returns: `POINT(1.5 2)`.
    pub fn to_wkt(&self) -> String {
        format!("POINT({} {})", self.x, self.y)
    }

    /// Parses well-known text `POINT(x y)` (what `ST_AsText` returns), in `srid`.
    pub fn parse_wkt(text: &str, srid: u32) -> Result<Self> {
        let bad = |reason: &str| Error::decode("point", format!("{reason} in `{text}`"));
        let inner = text
            .trim()
            .strip_prefix("POINT")
            .or_else(|| text.trim().strip_prefix("point"))
            .ok_or_else(|| bad("expected `POINT(x y)`"))?
            .trim()
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .ok_or_else(|| bad("expected parentheses"))?;
        let mut parts = inner.split_whitespace();
        let mut coordinate = || -> Result<f64> {
            parts
                .next()
                .ok_or_else(|| bad("expected two coordinates"))?
                .parse::<f64>()
                .map_err(|_| bad("a coordinate is not a number"))
        };
        let (x, y) = (coordinate()?, coordinate()?);
        if parts.next().is_some() {
            return Err(bad("expected two coordinates"));
        }
        Ok(Point { x, y, srid })
    }

    /// The point's WKB (little-endian, 21 bytes), without its SRID; not validated.
    pub fn to_wkb(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(WKB_LEN);
        out.push(1); // little-endian WKB
        out.extend_from_slice(&WKB_POINT.to_le_bytes());
        out.extend_from_slice(&self.x.to_le_bytes());
        out.extend_from_slice(&self.y.to_le_bytes());
        out
    }

    /// seekdb's stored form: SRID (little-endian `u32`) then WKB, 25 bytes.
    pub fn to_internal(&self) -> Result<Vec<u8>> {
        self.validate()?;
        let mut out = Vec::with_capacity(4 + WKB_LEN);
        out.extend_from_slice(&self.srid.to_le_bytes());
        out.extend_from_slice(&self.to_wkb());
        Ok(out)
    }

    /// Reads seekdb's stored form (SRID + WKB, 25 bytes), bare WKB (21 bytes, SRID 0)
    /// or well-known text (SRID 0), whichever `bytes` holds.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        match bytes.len() {
            25 => {
                let srid = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                let (x, y) = read_wkb(&bytes[4..])?;
                Ok(Point { x, y, srid })
            }
            WKB_LEN if bytes[0] <= 1 => {
                let (x, y) = read_wkb(bytes)?;
                Ok(Point::new(x, y))
            }
            _ => match std::str::from_utf8(bytes) {
                Ok(text) if text.trim_start().to_ascii_uppercase().starts_with("POINT") => {
                    Self::parse_wkt(text, DEFAULT_SRID)
                }
                _ => Err(Error::decode(
                    "point",
                    format!(
                        "expected a POINT (25 bytes of SRID + WKB), got {} bytes \
                         (another geometry type?)",
                        bytes.len()
                    ),
                )),
            },
        }
    }
}

/// The coordinates of a point's WKB, in either byte order.
fn read_wkb(wkb: &[u8]) -> Result<(f64, f64)> {
    if wkb.len() != WKB_LEN {
        return Err(Error::decode("point", "WKB of the wrong length"));
    }
    let little = match wkb[0] {
        1 => true,
        0 => false,
        other => {
            return Err(Error::decode(
                "point",
                format!("unknown WKB byte order {other}"),
            ))
        }
    };
    let word = |at: usize| -> [u8; 4] { [wkb[at], wkb[at + 1], wkb[at + 2], wkb[at + 3]] };
    let double = |at: usize| -> [u8; 8] {
        let mut b = [0u8; 8];
        b.copy_from_slice(&wkb[at..at + 8]);
        b
    };
    let kind = if little {
        u32::from_le_bytes(word(1))
    } else {
        u32::from_be_bytes(word(1))
    };
    if kind != WKB_POINT {
        return Err(Error::decode(
            "point",
            format!("WKB geometry type {kind} is not a POINT (1)"),
        ));
    }
    let read = |at: usize| {
        if little {
            f64::from_le_bytes(double(at))
        } else {
            f64::from_be_bytes(double(at))
        }
    };
    Ok((read(5), read(13)))
}

impl std::fmt::Display for Point {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_wkt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_seekdb_stores() {
        // `SELECT hex(p)` of ST_GeomFromText('POINT(1.5 2)', 0) on seekdb 1.4.
        let stored = [
            0u8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x40,
        ];
        assert_eq!(Point::from_bytes(&stored).unwrap(), Point::new(1.5, 2.0));
        assert_eq!(Point::new(1.5, 2.0).to_internal().unwrap(), stored);
        // Bare WKB, big-endian.
        let mut wkb = vec![0u8, 0, 0, 0, 1];
        wkb.extend_from_slice(&3.0f64.to_be_bytes());
        wkb.extend_from_slice(&(-4.0f64).to_be_bytes());
        assert_eq!(Point::from_bytes(&wkb).unwrap(), Point::new(3.0, -4.0));
        assert_eq!(
            Point::from_bytes(b"POINT(39.9 116.4)").unwrap(),
            Point::new(39.9, 116.4)
        );
    }

    #[test]
    fn refuses_what_is_not_a_point() {
        assert!(Point::from_bytes(b"LINESTRING(0 0,1 1)").is_err());
        assert!(Point::from_bytes(&[0u8; 7]).is_err());
        let mut line = Point::new(1.0, 2.0).to_internal().unwrap();
        line[5] = 2; // geometry type 2 = LINESTRING
        let err = Point::from_bytes(&line).unwrap_err();
        assert!(err.to_string().contains("not a POINT"), "{err}");
        assert!(Point::parse_wkt("POINT(1)", 0).is_err());
        assert!(Point::parse_wkt("POINT(1 2 3)", 0).is_err());
        let err = Point::new(1.0, f64::INFINITY).validate().unwrap_err();
        assert!(err.to_string().contains("point.y"), "{err}");
    }
}
