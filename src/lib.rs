//! ipctop: a live terminal monitor for Linux IPC ("top for queues").
//!
//! The library holds everything; `main.rs` only parses the command line.
//! Data flows one way: [`collect`] reads the kernel into an owned
//! [`model::Snapshot`], [`app`] turns snapshots and keys into state, and
//! [`ui`] draws that state.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]
// Every `unsafe` lives in `sys`, each block with a `// SAFETY:` comment;
// the compiler refuses it anywhere else.
#![deny(unsafe_code)]

pub mod actions;
pub mod app;
pub mod cli;
pub mod collect;
pub mod config;
pub mod event;
pub mod format;
pub mod keymap;
pub mod kinds;
pub mod layout;
pub mod model;
#[allow(unsafe_code)]
pub mod sys;
pub mod tui;
pub mod ui;
