//! The kubectl client: argv -> API calls on the World's current cluster -> printed output, with
//! kubectl's own messages. One module per verb family under `cmd/`; printers under `printers/`.

pub mod printers;

use crate::world::World;
use crate::Output;

/// Where a kubectl process runs: which host's file system relative paths (`-f pod.yaml`) resolve on,
/// the working directory, and its standard input (`-f -`).
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    pub host: &'a str,
    pub cwd: &'a str,
    pub stdin: &'a str,
}

/// Runs `kubectl ARGS...` (without the leading `kubectl`) against the World.
pub fn run(world: &mut World, args: &[String], inv: Invocation<'_>) -> Output {
    let _ = (world, args, inv);
    Output::err("error: kubectl is being built\n", 1)
}
