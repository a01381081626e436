//! Integration tests: the real `inc` binary in temp git repositories with a hermetic environment.

mod common;

mod bad_input;
mod change;
mod changes;
mod check;
mod comms;
mod concurrency;
mod crash;
mod dashboard;
mod demo;
mod e_search;
mod exec;
mod fieldfix_reports;
mod fieldfix_times;
mod fieldfix_words;
mod git_interop;
mod hostile;
mod init;
mod list_show;
mod log;
mod open;
mod postmortem;
mod report;
mod roles;
mod schema;
mod selection;
mod stats;
mod sync;
mod trust_git;
mod trust_merge;
mod trust_parse;
mod trust_paths;
mod trust_public;
mod trust_review;
