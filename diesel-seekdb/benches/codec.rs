//! Vector text codec against a naive baseline, for 768-dimension vectors.
//!
//! Run with `cargo bench -p diesel-seekdb --bench codec`. Each benchmark measures one
//! whole vector, so criterion's time per iteration is the time per vector.
//!
//! * `encode_768`: `codec::encode_into` into a reused buffer vs
//!   `format!("[{}]", ...join(","))`.
//! * `decode_768_server_text`: `codec::decode` on the server's 6-significant-digit
//!   output (`[0.333333,1e-05,...]`) vs `split(',')` + `str::parse::<f32>`.
//! * `decode_768_full_precision`: the same two decoders on our encoder's output
//!   (shortest round-trip text, up to 9 significant digits).
//!
//! On a busy machine criterion's groups run at different moments and see different
//! loads, which skews the ratios. `CODEC_BENCH_PAIRED=1 cargo bench -p diesel-seekdb
//! --bench codec` instead interleaves ours and the baseline in short alternating
//! rounds and reports the median time per vector and the median of the per-round
//! ratios, which both sides measure under the same load.

use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use diesel_seekdb::codec;

const DIM: usize = 768;

/// A small deterministic generator (SplitMix64), so the benchmark needs no new crates
/// and every run sees the same data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Embedding-like values: mostly in (-1, 1), with a spread of magnitudes (some tiny
/// values that the server prints in exponent form, some larger ones).
fn embedding(seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64(seed);
    (0..DIM)
        .map(|_| {
            let sign = if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
            let magnitude = match rng.next_u64() % 16 {
                0 => 1e-5,
                1 => 1e-3,
                2 => 10.0,
                _ => 1.0,
            };
            (sign * rng.next_unit() * magnitude) as f32
        })
        .collect()
}

/// One value the way seekdb prints it: C's `%g`, i.e. 6 significant digits, trailing
/// zeros removed, exponent form below 1e-4 and from 1e6 up (`1e-05`, `0.333333`).
fn server_number(x: f32) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{:.5e}", f64::from(x)); // e.g. "3.33333e-1"
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    let trim = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        let mantissa = trim(mantissa.to_string());
        let exp = exp.abs();
        if sign == '+' {
            format!("{mantissa}e+{exp:02}")
        } else {
            format!("{mantissa}e-{exp:02}")
        }
    } else {
        let decimals = (5 - exp).max(0) as usize;
        trim(format!("{:.*}", decimals, f64::from(x)))
    }
}

fn server_text(values: &[f32]) -> String {
    let items: Vec<String> = values.iter().map(|x| server_number(*x)).collect();
    format!("[{}]", items.join(","))
}

fn naive_encode(v: &[f32]) -> String {
    format!(
        "[{}]",
        v.iter()
            .map(|x| format!("{}", x))
            .collect::<Vec<_>>()
            .join(",")
    )
}

fn naive_decode(s: &str) -> Result<Vec<f32>, std::num::ParseFloatError> {
    s.trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|x| x.trim().parse::<f32>())
        .collect::<Result<Vec<_>, _>>()
}

fn bench_encode(c: &mut Criterion) {
    let v = embedding(1);
    let mut group = c.benchmark_group("encode_768");
    let mut buf = Vec::with_capacity(DIM * 16);
    group.bench_function("codec::encode_into", |b| {
        b.iter(|| {
            buf.clear();
            codec::encode_into(black_box(&v), &mut buf).expect("finite values");
            black_box(buf.len())
        })
    });
    group.bench_function("naive_format", |b| b.iter(|| naive_encode(black_box(&v))));
    group.finish();
}

fn bench_decode(c: &mut Criterion) {
    let v = embedding(2);
    let server = server_text(&v);
    let full = codec::encode(&v).expect("finite values");

    // The two decoders must agree before their speed is worth comparing.
    assert_eq!(
        codec::decode(server.as_bytes()).unwrap(),
        naive_decode(&server).unwrap()
    );
    assert_eq!(codec::decode(full.as_bytes()).unwrap(), v);
    assert_eq!(naive_decode(&full).unwrap(), v);

    for (name, text) in [
        ("decode_768_server_text", &server),
        ("decode_768_full_precision", &full),
    ] {
        let mut group = c.benchmark_group(name);
        group.bench_function("codec::decode", |b| {
            b.iter(|| codec::decode(black_box(text.as_bytes())).expect("valid text"))
        });
        group.bench_function("naive_split_parse", |b| {
            b.iter(|| naive_decode(black_box(text)).expect("valid text"))
        });
        group.finish();
    }
}

/// Times `f` over `iters` calls; nanoseconds per call.
fn time_per_call(iters: u32, f: &mut dyn FnMut()) -> f64 {
    let start = std::time::Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iters)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Ours vs the baseline in alternating rounds; prints ns/vector and the ratio.
fn paired(name: &str, ours: &mut dyn FnMut(), naive: &mut dyn FnMut()) {
    const ROUNDS: usize = 400;
    const ITERS: u32 = 40;
    for _ in 0..ITERS * 5 {
        ours();
        naive();
    }
    let (mut a, mut b, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (x, y) = if round % 2 == 0 {
            let x = time_per_call(ITERS, ours);
            (x, time_per_call(ITERS, naive))
        } else {
            let y = time_per_call(ITERS, naive);
            (time_per_call(ITERS, ours), y)
        };
        a.push(x);
        b.push(y);
        ratio.push(y / x);
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (min_a, min_b) = (min(&a), min(&b));
    println!(
        "{name:28} ours {:8.0} ns (min {:8.0})   naive {:8.0} ns (min {:8.0})   ratio {:5.2}x (of mins {:5.2}x)",
        median(&mut a),
        min_a,
        median(&mut b),
        min_b,
        median(&mut ratio),
        min_b / min_a
    );
}

fn paired_report() {
    let v = embedding(1);
    let mut buf = Vec::with_capacity(DIM * 16);
    paired(
        "encode_768",
        &mut || {
            buf.clear();
            codec::encode_into(black_box(&v), &mut buf).expect("finite values");
            black_box(buf.len());
        },
        &mut || {
            black_box(naive_encode(black_box(&v)));
        },
    );
    let v = embedding(2);
    let server = server_text(&v);
    let full = codec::encode(&v).expect("finite values");
    for (name, text) in [
        ("decode_768_server_text", &server),
        ("decode_768_full_precision", &full),
    ] {
        paired(
            name,
            &mut || {
                black_box(codec::decode(black_box(text.as_bytes())).expect("valid text"));
            },
            &mut || {
                black_box(naive_decode(black_box(text)).expect("valid text"));
            },
        );
    }
}

criterion_group!(benches, bench_encode, bench_decode);

fn main() {
    if std::env::var_os("CODEC_BENCH_PAIRED").is_some() {
        paired_report();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
