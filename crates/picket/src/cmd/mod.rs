//! One module per subcommand: its clap `Args` and its `run`.

pub mod bench;
pub mod decode;
pub mod demo;
pub mod eval;
pub mod export;
pub mod io;
pub mod replay;
pub mod serve;
pub mod sim;
pub mod token;
pub mod track;
pub mod verify;
