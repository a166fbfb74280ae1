//! `recall_at_k` and the tuners on both clients. The measuring loop is the same for
//! both (one macro body); what it measures and concludes is in [`super::tuning`].

use std::time::{Duration, Instant};

use super::ops;
use super::tuning::{
    ann_op, check_target, exact_op, kth_distances, read_nprobes, recall_of, report, tuned,
    RecallReport, RecallSample, SearchKnob, Tuned, EF_LADDER, NPROBES_LADDER,
};
use super::ObVecClient;
use crate::error::{Error, Result};

/// Each query's exact cut-off distance and number of exact neighbours.
type Exact = (Vec<Option<f64>>, Vec<usize>);

macro_rules! tuning {
    ($client:ty, $($async:ident)?; $($aw:tt)*) => {
        impl $client {
            /// recall@k of `knob` on `sample`: each query's approximate result
            /// against its exact result, with the approximate searches' latency.
            pub $($async)? fn recall_at_k(
                &self,
                sample: &RecallSample,
                knob: SearchKnob,
            ) -> Result<RecallReport> {
                let exact = self.exact_cutoffs(sample) $($aw)* ?;
                self.measure(sample, knob, &exact) $($aw)*
            }

            /// The smallest `ef_search` (of 8, 16, 24, 32, 48, 64, 96, 128, 192, 256,
            /// 384, 512, 1024, 2048) whose mean recall@k on `sample` reaches
            /// `target_recall`, with its recall and speed; the best one measured when
            /// none does ([`Tuned::reached`] is then false).
            pub $($async)? fn tune_ef_search(
                &self,
                sample: &RecallSample,
                target_recall: f64,
            ) -> Result<Tuned> {
                let ladder = EF_LADDER.map(SearchKnob::EfSearch);
                self.tune(sample, target_recall, &ladder) $($aw)*
            }

            /// [`tune_ef_search`](Self::tune_ef_search) for IVF indexes: the smallest
            /// `ob_ivf_nprobes` (1 to 256) reaching the target. The session setting is
            /// put back as it was afterwards.
            pub $($async)? fn tune_ivf_nprobes(
                &self,
                sample: &RecallSample,
                target_recall: f64,
            ) -> Result<Tuned> {
                let ladder = NPROBES_LADDER.map(SearchKnob::IvfNprobes);
                self.tune(sample, target_recall, &ladder) $($aw)*
            }

            $($async)? fn tune(
                &self,
                sample: &RecallSample,
                target: f64,
                ladder: &[SearchKnob],
            ) -> Result<Tuned> {
                check_target(target)?;
                let exact = self.exact_cutoffs(sample) $($aw)* ?;
                let mut tried = Vec::new();
                for (i, knob) in ladder.iter().enumerate() {
                    tried.push(self.measure(sample, *knob, &exact) $($aw)* ?);
                    if let Some(t) = tuned(&tried, target, i + 1 == ladder.len()) {
                        return Ok(t);
                    }
                }
                Err(Error::validation("ladder", "no setting to try"))
            }

            $($async)? fn exact_cutoffs(&self, sample: &RecallSample) -> Result<Exact> {
                sample.check()?;
                let mut exact = Vec::with_capacity(sample.queries.len());
                for i in 0..sample.queries.len() {
                    exact.push(self.exec(exact_op(sample, i)) $($aw)* ?);
                }
                let lens = exact.iter().map(Vec::len).collect();
                Ok((kth_distances(sample.distance, &exact, sample.k)?, lens))
            }

            $($async)? fn measure(
                &self,
                sample: &RecallSample,
                knob: SearchKnob,
                exact: &Exact,
            ) -> Result<RecallReport> {
                let before = self.state.session();
                let restore = match knob {
                    SearchKnob::IvfNprobes(n) => {
                        let was = self.exec(read_nprobes()) $($aw)* ?;
                        self.exec(ops::set_session(before.ivf_nprobes(n))) $($aw)* ?;
                        Some(was)
                    }
                    SearchKnob::EfSearch(_) => None,
                };
                // One untimed search first: the first one after a change pays for
                // loading what the later ones find cached.
                let mut result = self.exec(ann_op(sample, 0, knob)) $($aw)*;
                let mut recalls = Vec::with_capacity(sample.queries.len());
                let mut elapsed = Duration::ZERO;
                for i in 0..sample.queries.len() {
                    if result.is_err() {
                        break;
                    }
                    let started = Instant::now();
                    result = self.exec(ann_op(sample, i, knob)) $($aw)*;
                    elapsed += started.elapsed();
                    if let Ok(rows) = &result {
                        match recall_of(sample.distance, rows, exact.0[i], exact.1[i]) {
                            Ok(r) => recalls.push(r),
                            Err(e) => result = Err(e),
                        }
                    }
                }
                if let Some(was) = restore {
                    self.exec(ops::set_session(before.ivf_nprobes(was))) $($aw)* ?;
                }
                result?;
                Ok(report(knob, sample.k, &recalls, elapsed))
            }
        }
    };
}

tuning!(ObVecClient, ;);
#[cfg(feature = "async")]
tuning!(super::AsyncObVecClient, async; .await);
