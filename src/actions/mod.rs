//! What the user asks ipctop to do to the kernel, beyond watching it:
//! peek at messages, save one, remove a queue. `update` only asks for
//! these (as effects); they run here, off the UI thread.

pub mod audit;
pub mod peek;
pub mod remove;
pub mod save;
