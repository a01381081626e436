//! The repository lock that makes concurrent inc commands in one repository run one at a time.

use std::fs::{self, File, OpenOptions};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::Store;
use crate::error::Error;

/// How long a command waits for another inc command in the same repository to finish.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
impl Store {
    /// Holds the repository's inc lock until dropped, so concurrent commands run one at a time.
    pub fn lock(&self) -> Result<Lock> {
        let dir = crate::git::git_dir(&self.root);
        let path = dir.join("inc.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::state(format!(
                        "another inc command has held {} for {}s: wait for it to finish, then run yours again",
                        path.display(),
                        LOCK_TIMEOUT.as_secs()
                    ))
                    .into());
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
    }
}

/// The lock guard returned by [`Store::lock`].
pub struct Lock {
    _file: File,
}
