//! ipctop: a live terminal monitor for Linux IPC ("top for queues").
//!
//! The library holds everything; `main.rs` only parses the command line.
//! Data flows one way: [`collect`] reads the kernel into an owned
//! [`model::Snapshot`], [`app`] turns snapshots and keys into state, and
//! [`ui`] draws that state.

pub mod collect;
pub mod model;
pub mod sys;
pub mod app;
pub mod keymap;
pub mod ui;
pub mod cli;
pub mod event;
pub mod tui;
