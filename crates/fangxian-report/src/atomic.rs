//! Atomic output files: written under a hidden temporary name in the destination directory and
//! renamed into place only when complete.
//!
//! A rename within one directory is atomic on POSIX file systems and on NTFS, so a reader sees
//! either no file or the complete one — never a truncated file under the final name. A crash or a
//! second Ctrl-C can leave a temporary `.NAME.XXXXXX.tmp` behind; its name says it is not the
//! output.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::Error;

/// A file that appears under its final name only when [`commit`](AtomicFile::commit)ted.
///
/// Dropping it uncommitted deletes the temporary file.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`: creates a temporary file beside it.
    pub fn create(path: impl AsRef<Path>) -> Result<AtomicFile, Error> {
        let path = path.as_ref().to_path_buf();
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // Temporary files are created 0600; an output is an ordinary file, so ask for 0666 and
        // let the umask decide, as `File::create` would.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(&dir).map_err(|e| Error::io(&path, e))?;
        Ok(AtomicFile { tmp, path })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of the temporary file being written.
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// The open temporary file.
    pub fn file(&self) -> &File {
        self.tmp.as_file()
    }

    /// Flushes, syncs and renames the file to its final path, replacing what was there.
    pub fn commit(self) -> Result<PathBuf, Error> {
        let path = self.path.clone();
        self.commit_as(path)
    }

    /// Like [`commit`](AtomicFile::commit) but under another name in the same directory (used
    /// for partial outputs, see [`crate::partial_path`]).
    pub fn commit_as(mut self, path: impl AsRef<Path>) -> Result<PathBuf, Error> {
        let path = path.as_ref().to_path_buf();
        self.tmp.flush().map_err(|e| Error::io(&path, e))?;
        // Evidence files must survive a power cut once the run reported success: sync the data
        // before the rename makes it visible.
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&path, e))?;
        self.tmp
            .persist(&path)
            .map_err(|e| Error::io(&path, e.error))?;
        sync_parent(&path);
        Ok(path)
    }
}

/// Syncs the directory entry of a renamed file. Best effort: not every platform or file system
/// can open a directory.
fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: impl AsRef<Path>, bytes: &[u8]) -> Result<PathBuf, Error> {
    let mut file = AtomicFile::create(path)?;
    let path = file.path().to_path_buf();
    file.write_all(bytes).map_err(|e| Error::io(&path, e))?;
    file.commit()
}

/// The name an interrupted scan's findings are kept under: `.partial` before the extension
/// (`out/findings.jsonl` → `out/findings.partial.jsonl`), so no tool mistakes them for the
/// complete file.
pub fn partial_path(path: impl AsRef<Path>) -> PathBuf {
    let path = path.as_ref();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.partial.{}", ext.to_string_lossy()),
        None => format!("{stem}.partial"),
    };
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn nothing_appears_before_commit_and_the_file_appears_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"{}").unwrap();
        assert!(!path.exists());
        let tmp_name = f
            .temp_path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(tmp_name.starts_with(".summary.json.") && tmp_name.ends_with(".tmp"));
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        assert_eq!(names(dir.path()), ["summary.json"]);
    }

    #[test]
    fn dropping_uncommitted_leaves_nothing_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        std::fs::write(&path, "old").unwrap();
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"half a rep").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(names(dir.path()), ["report.html"]);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_ordinary_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        write_atomic(&path, b"{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // Whatever the umask, the owner can read and write, and it is not the 0600 of a temp
        // file unless the umask itself says so.
        assert_eq!(mode & 0o600, 0o600);
        let probe = dir.path().join("probe");
        std::fs::File::create(&probe).unwrap();
        let normal = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, normal, "differs from File::create");
    }

    #[test]
    fn commit_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn missing_directory_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/out.json");
        let err = AtomicFile::create(&path).unwrap_err();
        assert!(err.to_string().contains("no/such/dir/out.json"), "{err}");
    }

    #[test]
    fn partial_names() {
        assert_eq!(
            partial_path("out/findings.jsonl"),
            PathBuf::from("out/findings.partial.jsonl")
        );
        assert_eq!(
            partial_path("f.parquet"),
            PathBuf::from("f.partial.parquet")
        );
        assert_eq!(
            partial_path("dir/noext"),
            PathBuf::from("dir/noext.partial")
        );
    }
}
