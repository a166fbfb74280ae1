//! The recall-vs-QPS picture of the ef_search sweep (PNG): one curve per path,
//! points in ef order and labelled with their ef, q/s the median over rounds. The
//! recall axis is spaced by log(1 - recall) ("nines"), so 0.99, 0.999 and 1.0 stay
//! apart instead of piling up at the right edge; q/s is on a log scale.

use std::path::Path;

use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

/// Text needs a TrueType font: `SEEKDB_BENCH_FONT`, else DejaVu Sans (Debian
/// `fonts-dejavu-core`, installed by `scripts/dev bench`). Without one the plot is
/// drawn without labels.
pub fn register_font() -> bool {
    let candidates = [
        std::env::var("SEEKDB_BENCH_FONT").unwrap_or_default(),
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf".to_string(),
        "/usr/share/fonts/dejavu/DejaVuSans.ttf".to_string(),
        "/usr/share/fonts/TTF/DejaVuSans.ttf".to_string(),
    ];
    for path in candidates.iter().filter(|p| !p.is_empty()) {
        if let Ok(bytes) = std::fs::read(path) {
            // The font must live as long as the process; it is loaded once.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                return true;
            }
        }
    }
    false
}

/// (recall, median q/s, ef) of one path, sorted by ef.
fn series(points: &[Value], path: &str) -> Vec<(f64, f64, u64)> {
    let mut s: Vec<_> = points
        .iter()
        .filter_map(|p| {
            Some((
                p[path]["recall_at_10"].as_f64()?,
                p[path]["qps_p50_of_rounds"].as_f64()?,
                p["ef_search"].as_u64()?,
            ))
        })
        .filter(|p| p.1 > 0.0)
        .collect();
    s.sort_by_key(|p| p.2);
    s
}

/// The recall axis: x = -log10(1 - recall), with 1 - recall floored at half the
/// smallest step recall can take (1 / (10 * queries)), where recall = 1 is drawn.
pub struct Nines {
    pub floor: f64,
}

impl Nines {
    pub fn x(&self, recall: f64) -> f64 {
        -(1.0 - recall).max(self.floor).log10()
    }

    pub fn top(&self) -> f64 {
        -self.floor.log10()
    }

    pub fn label(&self, x: f64) -> String {
        if (x - self.top()).abs() < 1e-9 {
            return "1".into();
        }
        let r = 1.0 - 10f64.powf(-x);
        let s = format!("{r:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

const RECALL_TICKS: [f64; 15] = [
    0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999,
];

/// 1-2-5 steps covering `lo..hi`, or finer ones when that gives fewer than 4 ticks.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let steps = |mults: &[f64]| {
        let mut out = Vec::new();
        let mut decade = 10f64.powf(lo.log10().floor());
        while decade <= hi {
            out.extend(
                mults
                    .iter()
                    .map(|m| decade * m)
                    .filter(|v| *v >= lo && *v <= hi),
            );
            decade *= 10.0;
        }
        out
    };
    let coarse = steps(&[1.0, 2.0, 5.0]);
    if coarse.len() >= 4 {
        return coarse;
    }
    let fine = steps(&[1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
    if fine.len() >= 3 {
        fine
    } else {
        steps(&[
            1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0,
        ])
    }
}

/// `extra`: single points (label, recall, q/s), e.g. pyobvector at the default ef_search.
/// `queries` sets the recall resolution; `rounds` goes into the axis label.
pub fn draw(
    out: &Path,
    title: &str,
    points: &[Value],
    extra: &[(String, f64, f64)],
    queries: usize,
    rounds: usize,
) -> Result<(), String> {
    let text = register_font();
    if !text {
        eprintln!(
            "[seekdb-bench] no TrueType font found (set SEEKDB_BENCH_FONT); plot has no labels"
        );
    }
    let paths = [
        ("diesel_typed", "diesel-seekdb, typed Diesel", BLUE),
        (
            "obvec_client",
            "diesel-seekdb, ObVecClient",
            RGBColor(0, 140, 0),
        ),
        ("raw_c_text", "raw SQL, C client (floor)", RED),
        ("pyobvector", "pyobvector (Python, interleaved)", MAGENTA),
    ];
    let (curves, styles): (Vec<_>, Vec<_>) = paths
        .iter()
        .map(|(key, name, color)| (series(points, key), (*name, *color)))
        .filter(|(s, _)| !s.is_empty())
        .unzip();
    let nines = Nines {
        floor: 0.5 / (10.0 * queries.max(1) as f64),
    };
    let all: Vec<(f64, f64)> = curves
        .iter()
        .flatten()
        .map(|p| (nines.x(p.0), p.1))
        .chain(extra.iter().map(|e| (nines.x(e.1), e.2)))
        .collect();
    if all.is_empty() {
        return Err("no sweep points to plot".into());
    }
    let xmin = all.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let (ymin, ymax) = all.iter().fold((f64::INFINITY, 0f64), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    // At least one decade of "nines" in view, so a run where every point has
    // recall 1 still shows where 0.9 and 0.99 would be.
    let x1 = nines.top() + 0.15;
    let x0 = (xmin - 0.15).min(x1 - 1.3).max(0.0);
    let (y0, y1) = (ymin / 1.2, ymax * 1.25);
    let mut xticks: Vec<f64> = RECALL_TICKS
        .iter()
        .map(|r| nines.x(*r))
        .filter(|x| *x >= x0 && *x < nines.top() - 0.05)
        .collect();
    xticks.push(nines.top());
    let root = BitMapBackend::new(out, (1200, 720)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    // The legend gets its own column: inside the chart it would cover the points that
    // gather at high recall.
    let (area, side) = root.split_horizontally(900);
    let mut legend: Vec<(Vec<String>, RGBColor, bool)> = Vec::new();
    let mut builder = ChartBuilder::on(&area);
    builder.margin(20);
    if text {
        builder
            .caption(title, ("sans-serif", 22))
            .x_label_area_size(55)
            .y_label_area_size(80);
    }
    let mut chart = builder
        .build_cartesian_2d(
            x0..x1,
            (y0..y1).log_scale().with_key_points(log_ticks(y0, y1)),
        )
        .map_err(|e| e.to_string())?;
    let y_desc = format!("queries/s, 1 thread (median of {rounds} rounds; log scale)");
    let y_fmt = |y: &f64| format!("{y:.0}");
    let mut mesh = chart.configure_mesh();
    // The recall ticks are drawn below: plotters' own would sit at even "nines".
    mesh.disable_x_mesh().x_labels(0);
    if text {
        mesh.x_desc("recall@10 (axis spaced by log(1 - recall); rightmost tick = all 10 found)")
            .y_desc(y_desc.as_str())
            .y_label_formatter(&y_fmt)
            .label_style(("sans-serif", 15));
    } else {
        mesh.y_labels(0);
    }
    mesh.draw().map_err(|e| e.to_string())?;
    let grid = RGBColor(220, 220, 220);
    for x in &xticks {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*x, y0), (*x, y1)],
                grid.stroke_width(1),
            )))
            .map_err(|e| e.to_string())?;
        if text {
            let (px, py) = chart.backend_coord(&(*x, y0));
            root.draw(&Text::new(
                nines.label(*x),
                (px, py + 8),
                ("sans-serif", 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(|e| e.to_string())?;
        }
    }
    for (curve, (name, color)) in curves.iter().zip(styles) {
        let xy: Vec<(f64, f64)> = curve.iter().map(|p| (nines.x(p.0), p.1)).collect();
        chart
            .draw_series(LineSeries::new(xy.clone(), color.stroke_width(2)))
            .map_err(|e| e.to_string())?;
        legend.push((vec![name.to_string()], color, false));
        chart
            .draw_series(xy.iter().map(|p| Circle::new(*p, 4, color.filled())))
            .map_err(|e| e.to_string())?;
    }
    // One ef label per ef value, by its fastest point (the curves share recall). Labels
    // that would overlap (efs at the same recall) are stacked with a leader line.
    let mut efs: Vec<u64> = curves.iter().flatten().map(|p| p.2).collect();
    efs.sort_unstable();
    efs.dedup();
    if text {
        let mut labels: Vec<(u64, (i32, i32))> = efs
            .iter()
            .filter_map(|ef| {
                let best = curves
                    .iter()
                    .flatten()
                    .filter(|p| p.2 == *ef)
                    .max_by(|a, b| a.1.total_cmp(&b.1))?;
                Some((*ef, chart.backend_coord(&(nines.x(best.0), best.1))))
            })
            .collect();
        labels.sort_by_key(|l| (l.1 .1, l.1 .0));
        let mut placed: Vec<(i32, i32)> = Vec::new();
        for (ef, (ax, ay)) in labels {
            let (lx, mut ly) = (ax + 10, ay - 12);
            while let Some(p) = placed
                .iter()
                .find(|p| (p.0 - lx).abs() < 70 && (p.1 - ly).abs() < 17)
            {
                ly = p.1 + 17;
            }
            placed.push((lx, ly));
            if ly != ay - 12 {
                root.draw(&PathElement::new(
                    vec![(ax, ay), (lx, ly)],
                    RGBColor(150, 150, 150).stroke_width(1),
                ))
                .map_err(|e| e.to_string())?;
            }
            root.draw(&Text::new(
                format!("ef={ef}"),
                (lx + 2, ly),
                ("sans-serif", 14)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(|e| e.to_string())?;
        }
    }
    let extra_colors = [RGBColor(150, 0, 150), RGBColor(200, 120, 0)];
    for ((label, r, q), color) in extra.iter().zip(extra_colors.iter().cycle()) {
        let p = (nines.x(*r), *q);
        chart
            .draw_series(std::iter::once(TriangleMarker::new(p, 8, color.filled())))
            .map_err(|e| e.to_string())?;
        legend.push((
            vec![
                format!("{label}, separate run"),
                "(not interleaved), default ef,".into(),
                "q/s at p50 latency".into(),
            ],
            *color,
            true,
        ));
    }
    if text {
        let font = ("sans-serif", 15).into_font().color(&BLACK);
        let mut y = 70;
        side.draw(&Text::new("paths (1 thread)", (10, y - 30), font.clone()))
            .map_err(|e| e.to_string())?;
        for (lines, color, triangle) in &legend {
            if *triangle {
                side.draw(&TriangleMarker::new((22, y), 7, color.filled()))
            } else {
                side.draw(&PathElement::new(
                    vec![(8, y), (36, y)],
                    color.stroke_width(3),
                ))
            }
            .map_err(|e| e.to_string())?;
            for line in lines {
                side.draw(&Text::new(
                    line.clone(),
                    (44, y),
                    font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(|e| e.to_string())?;
                y += 19;
            }
            y += 14;
        }
        for line in [
            "Curves: ef_search sweep, points in",
            "ef order; q/s is the median of the",
            "rounds' queries / summed latency.",
        ] {
            side.draw(&Text::new(line, (10, y + 10), font.clone()))
                .map_err(|e| e.to_string())?;
            y += 19;
        }
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}
