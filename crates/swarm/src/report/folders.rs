//! The folders that report files go in: checked before a run, leaving nothing on disk, and
//! created when the first report file is written.

use std::fs::OpenOptions;
use std::io;
use std::path::Path;

/// Returns the folder that `path` names a file in, `.` for a bare file name.
pub fn parent_folder(path: &Path) -> &Path {
    path.parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Checks that `folder` exists or can be created, and accepts new files, without creating
/// anything: the nearest existing folder on its path must accept a new file. `report` names
/// the files (such as "the CSV files") and `option` the flag to change (such as "--csv prefix").
pub fn check_folder(folder: &Path, report: &str, option: &str) -> Result<(), String> {
    let existing = folder
        .ancestors()
        .map(|ancestor| {
            if ancestor.as_os_str().is_empty() {
                Path::new(".")
            } else {
                ancestor
            }
        })
        .find(|ancestor| ancestor.exists() || ancestor.is_symlink())
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        return Err(format!(
            "cannot create the folder {}: {} is a file, not a folder. Remove it or choose another {option}.",
            folder.display(),
            existing.display()
        ));
    }
    // Creating and removing a probe file is the only check that also works for root,
    // read-only mounts and access control lists, where permission bits mislead.
    let probe = existing.join(format!(".swarm-check-{}", std::process::id()));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(error) => Err(format!(
            "cannot write {report} in the folder {}: {error}. Check its permissions or choose another {option}.",
            existing.display()
        )),
    }
}

/// Creates the missing folders above `path`. The error names the file in the way, if any, and
/// `option`, the flag to change (such as "--html path").
pub fn create_parent(path: &Path, option: &str) -> io::Result<()> {
    let folder = parent_folder(path);
    std::fs::create_dir_all(folder).map_err(|error| folder_error(folder, error, option))
}

/// Explains a failure to create `folder`, naming the path that is in the way.
fn folder_error(folder: &Path, error: io::Error, option: &str) -> io::Error {
    let blocking_file = folder
        .ancestors()
        .find(|ancestor| ancestor.is_file() || ancestor.is_symlink() && !ancestor.exists());
    let message = match blocking_file {
        Some(file) => format!(
            "cannot create the folder {}: {} is a file, not a folder. Remove it or choose another {option}.",
            folder.display(),
            file.display()
        ),
        None => format!(
            "cannot create the folder {}: {error}. Check its permissions or choose another {option}.",
            folder.display()
        ),
    };
    io::Error::new(error.kind(), message)
}
