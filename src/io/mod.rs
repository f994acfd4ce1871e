//! Files at the edges: scenario saves (RON for people and git, `.cspx` for size) and, beside them,
//! imports. Must not import the window (`ui`): the CLI and the tests use all of it without one.
//!
//! Dependencies run one way: `save` (which format; load and save) uses the formats, `ron_file` and
//! `binary`, which use `migrate` (versions) and `error`; `disk` (atomic writes, stamps) and `read`
//! (bounded reads, decoding) are the file system's side; `import/` reads other programs' files.

pub mod binary;
pub mod disk;
pub mod error;
pub mod import;
pub mod migrate;
pub mod read;
pub mod ron_file;
pub mod save;

pub use binary::{scenario_from_bytes, scenario_to_bytes};
pub use error::{LoadError, SaveError};
pub use ron_file::{scenario_from_ron, scenario_to_ron};
pub use save::{load, load_with, save};
