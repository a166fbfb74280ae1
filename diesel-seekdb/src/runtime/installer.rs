//! Finding the `seekdb` binary, or downloading the wheel that holds it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::SEEKDB_VERSION;
use crate::error::{Error, Result};

/// The binary's path relative to a project root, as `scripts/dev setup` installs it.
pub fn default_binary_relative_path() -> PathBuf {
    Path::new(".seekdb")
        .join("dist")
        .join(SEEKDB_VERSION)
        .join("pylibseekdb")
        .join("seekdb")
}

/// Candidate binaries: `<dir>/.seekdb/dist/VERSION/pylibseekdb/seekdb` for every
/// ancestor of each start directory, nearest first, without duplicates.
fn binary_candidates(start_dirs: &[&Path]) -> Vec<PathBuf> {
    let relative = default_binary_relative_path();
    let mut out: Vec<PathBuf> = Vec::new();
    for start in start_dirs {
        for dir in start.ancestors() {
            let candidate = dir.join(&relative);
            if !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

pub(super) fn find_binary(
    explicit: Option<&Path>,
    from_env: Option<PathBuf>,
    start_dirs: &[&Path],
) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return if is_executable_file(path) {
            Ok(path.to_path_buf())
        } else {
            Err(Error::Runtime {
                reason: format!(
                    "the seekdb binary given to .binary() ({}) is not an executable file",
                    path.display()
                ),
            })
        };
    }
    if let Some(path) = from_env {
        return if is_executable_file(&path) {
            Ok(path)
        } else {
            Err(Error::Runtime {
                reason: format!(
                    "SEEKDB_BIN={} is not an executable file; point it at the `seekdb` \
                     binary or unset it",
                    path.display()
                ),
            })
        };
    }
    let candidates = binary_candidates(start_dirs);
    if let Some(found) = candidates.iter().find(|c| is_executable_file(c)) {
        return Ok(found.clone());
    }
    let start: Vec<String> = start_dirs.iter().map(|d| d.display().to_string()).collect();
    Err(Error::Runtime {
        reason: format!(
            "no seekdb binary found (looked for {} in {} and their parent directories); \
             run `scripts/dev setup`, set SEEKDB_BIN to the `seekdb` executable, call \
             .binary(path), or enable .install_if_missing(true)",
            default_binary_relative_path().display(),
            start.join(" and ")
        ),
    })
}

/// Downloads the `pylibseekdb` wheel into `<root>/.seekdb` and extracts it, like
/// `scripts/dev setup`. Extraction goes to a staging directory that is renamed into
/// place, so concurrent installs never see a half-extracted binary.
pub(super) fn install(root: &Path) -> std::result::Result<PathBuf, String> {
    if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
        return Err(
            "seekdb is only published for x86_64 Linux (manylinux_2_28); install it by hand \
             and set SEEKDB_BIN"
                .to_string(),
        );
    }
    let seekdb_dir = root.join(".seekdb");
    let wheels = seekdb_dir.join("wheels");
    let dist = seekdb_dir.join("dist").join(SEEKDB_VERSION);
    let binary = root.join(default_binary_relative_path());
    fs::create_dir_all(&wheels).map_err(|e| format!("cannot create {}: {e}", wheels.display()))?;

    let requirement = format!("pylibseekdb=={SEEKDB_VERSION}");
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--quiet", "--no-deps"])
        .args(["--only-binary=:all:", "--python-version", "3.11"])
        .args(["--platform", "manylinux_2_28_x86_64", "-d"])
        .arg(&wheels)
        .arg(&requirement)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `python3 -m pip` ({e}); python3 with pip is needed"))?;
    if !output.status.success() {
        return Err(format!(
            "`python3 -m pip download {requirement}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }

    let staging = seekdb_dir
        .join("dist")
        .join(format!(".{SEEKDB_VERSION}.staging-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let script = "import glob, sys, zipfile\n\
                  wheel = sorted(glob.glob(sys.argv[1] + '/pylibseekdb-*.whl'))[-1]\n\
                  zipfile.ZipFile(wheel).extractall(sys.argv[2])\n";
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&wheels)
        .arg(&staging)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(&staging);
        return Err(format!(
            "extracting the wheel failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let staged_binary = staging.join("pylibseekdb").join("seekdb");
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&staged_binary, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot make {} executable: {e}", staged_binary.display()))?;
    }
    if fs::rename(&staging, &dist).is_err() {
        // Someone else installed it meanwhile; theirs is as good as ours.
        let _ = fs::remove_dir_all(&staging);
    }
    if !is_executable_file(&binary) {
        return Err(format!("{} is missing after installing", binary.display()));
    }
    let runs = Command::new(&binary)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !runs {
        return Err(format!(
            "the seekdb binary at {} does not run on this machine",
            binary.display()
        ));
    }
    Ok(binary)
}

#[cfg(test)]
#[path = "installer_tests.rs"]
mod tests;
