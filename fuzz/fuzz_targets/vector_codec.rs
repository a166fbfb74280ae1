//! The checks live in `diesel_seekdb::fuzzing::vector_codec` so that the stable test suite
//! replays the corpus through the same code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| diesel_seekdb::fuzzing::vector_codec(data));
