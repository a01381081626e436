//! Integration tests: the real `inc` binary in temp git repositories with a hermetic environment.

mod common;

mod bad_input;
mod changes;
mod concurrency;
mod demo;
mod git_interop;
mod init;
mod list_show;
mod log;
mod open;
mod selection;
