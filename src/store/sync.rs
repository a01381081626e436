//! This clone against the team's remote, for `inc status` and `inc show` (see
//! [`crate::git::upstream`]), and the note `inc sync` leaves when it has shared everything.

use super::Store;
use crate::git::Upstream;
use crate::time::Time;

impl Store {
    /// Where this clone stands against its remote; `None` without one. Local refs only.
    pub fn upstream(&self) -> Option<Upstream> {
        crate::git::upstream(self.root())
    }

    /// Notes that `inc sync` finished at `at`. Only a hint for people, so a failure to write it
    /// is not worth failing a sync for.
    pub fn record_sync(&self, at: Time) {
        let _ = crate::git::record_sync(self.root(), at.timestamp());
    }
}
