//! A deterministic text embedding: a stand-in for a real embedding model.
//!
//! The example may not download anything at run time, so instead of a neural model it
//! uses feature hashing: every lower-cased word (minus a few stop words) and every
//! character trigram of those words is hashed with 64-bit FNV-1a into one of [`DIM`]
//! buckets, with a sign taken from another bit of the hash so collisions cancel out
//! rather than pile up. The vector is then L2-normalised, so cosine distance compares
//! word and sub-word overlap. That captures lexical similarity ("telescope" ~
//! "telescopes"), not meaning; swap [`embed`] for a real model to get semantic
//! neighbours. The same text always gives the same vector, on every machine.

/// Dimensions of the embedding (the table's `VECTOR(256)`).
pub const DIM: usize = 256;

/// Whole words count more than any single trigram of them.
const WORD_WEIGHT: f32 = 1.0;
const TRIGRAM_WEIGHT: f32 = 0.35;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
    "i", "in", "is", "it", "its", "my", "of", "on", "or", "so", "that", "the", "their", "them",
    "then", "there", "they", "this", "to", "what", "when", "which", "while", "with", "you", "your",
];

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn add_feature(vector: &mut [f32], namespace: u8, feature: &[u8], weight: f32) {
    let mut key = Vec::with_capacity(feature.len() + 1);
    key.push(namespace);
    key.extend_from_slice(feature);
    let hash = fnv1a(&key);
    let bucket = (hash % DIM as u64) as usize;
    let sign = if hash >> 63 == 0 { 1.0 } else { -1.0 };
    vector[bucket] += sign * weight;
}

/// The words the embedding sees: lower-cased alphanumeric runs that are not stop words.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// The embedding of `text`, or `None` when it has no words to embed (a zero vector
/// has no cosine distance to anything).
pub fn embed(text: &str) -> Option<Vec<f32>> {
    let mut vector = vec![0.0f32; DIM];
    for word in words(text) {
        add_feature(&mut vector, b'w', word.as_bytes(), WORD_WEIGHT);
        // Padded trigrams so prefixes and suffixes ("bak", "ing") are features too.
        let padded: Vec<char> = format!(" {word} ").chars().collect();
        for gram in padded.windows(3) {
            let gram: String = gram.iter().collect();
            add_feature(&mut vector, b't', gram.as_bytes(), TRIGRAM_WEIGHT);
        }
    }
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm == 0.0 {
        return None;
    }
    vector.iter_mut().for_each(|x| *x /= norm);
    Some(vector)
}
