//! Start or attach to a local seekdb server (feature `runtime`).
