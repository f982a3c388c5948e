//! Reading a rulebook's `script_file:` from its folder, and nowhere else.
//!
//! The path as written may not leave the folder (`..`, an absolute path), and
//! neither may the file it names once symbolic links are resolved: a symlinked
//! folder or file used to run scripts from anywhere and quote a secret back in an
//! error. Only a regular file is read (a FIFO hung, an endless device file read
//! until memory ran out), and at most `max_bytes` of it.

use std::io::Read;
use std::path::{Component, Path};

/// The text of the script `relative` names inside `folder` (the rulebook's folder;
/// empty for the working directory), if it is a regular file of at most
/// `max_bytes` bytes of UTF-8 whose real path lies inside the folder's real path.
pub fn read_script(folder: &Path, relative: &str, max_bytes: usize) -> Result<String, String> {
    let path = Path::new(relative);
    if path.is_absolute() || path.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err("scripts are read only from the rulebook's own folder".to_owned());
    }
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let root = folder.canonicalize().map_err(|e| e.to_string())?;
    let real = root.join(path).canonicalize().map_err(|e| e.to_string())?;
    if !real.starts_with(&root) {
        return Err(
            "it leads outside the rulebook's folder (through a symbolic link); scripts are read only from that folder"
                .to_owned(),
        );
    }
    let metadata = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("it is not a regular file".to_owned());
    }
    let too_large = || format!("it is larger than the rulebook limit of {max_bytes} bytes");
    if metadata.len() > max_bytes as u64 {
        return Err(too_large());
    }
    // Bounded even if the file grows after the check above.
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .and_then(|file| file.take(max_bytes as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() > max_bytes {
        return Err(too_large());
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("it is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}
