//! The recall-vs-QPS picture of the ef_search sweep (PNG).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

/// Text needs a TrueType font: `SEEKDB_BENCH_FONT`, else DejaVu Sans (Debian
/// `fonts-dejavu-core`, installed by `scripts/dev setup`). Without one the plot is
/// drawn without labels.
fn register_font() -> bool {
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

fn series(points: &[Value], path: &str) -> Vec<(f64, f64, u64)> {
    points
        .iter()
        .filter_map(|p| {
            Some((
                p[path]["recall_at_10"].as_f64()?,
                p[path]["qps"].as_f64()?,
                p["ef_search"].as_u64()?,
            ))
        })
        .collect()
}

/// `extra`: single points (label, recall, qps), e.g. pyobvector at the default ef_search.
pub fn draw(
    out: &Path,
    title: &str,
    points: &[Value],
    extra: &[(String, f64, f64)],
) -> Result<(), String> {
    let text = register_font();
    if !text {
        eprintln!(
            "[seekdb-bench] no TrueType font found (set SEEKDB_BENCH_FONT); plot has no labels"
        );
    }
    let lib = series(points, "diesel_typed");
    let raw = series(points, "raw_c_text");
    let all: Vec<(f64, f64)> = lib
        .iter()
        .chain(&raw)
        .map(|p| (p.0, p.1))
        .chain(extra.iter().map(|e| (e.1, e.2)))
        .collect();
    if all.is_empty() {
        return Err("no sweep points to plot".into());
    }
    let xmin = all.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let ymax = all.iter().map(|p| p.1).fold(0.0, f64::max);
    let x0 = (xmin - 0.02).clamp(0.0, 0.98);
    let root = BitMapBackend::new(out, (1000, 650)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut builder = ChartBuilder::on(&root);
    builder.margin(20);
    if text {
        builder
            .caption(title, ("sans-serif", 22))
            .x_label_area_size(45)
            .y_label_area_size(70);
    }
    let mut chart = builder
        .build_cartesian_2d(x0..1.003f64, 0.0..ymax * 1.1)
        .map_err(|e| e.to_string())?;
    let mut mesh = chart.configure_mesh();
    if text {
        mesh.x_desc("recall@10")
            .y_desc("queries per second (1 thread)");
    } else {
        mesh.disable_x_mesh()
            .disable_y_mesh()
            .x_labels(0)
            .y_labels(0);
    }
    mesh.draw().map_err(|e| e.to_string())?;
    let styles = [
        ("diesel-seekdb (typed Diesel)", &lib, BLUE),
        ("raw SQL, C client text protocol", &raw, RED),
    ];
    for (name, s, color) in styles {
        let line = chart
            .draw_series(LineSeries::new(
                s.iter().map(|p| (p.0, p.1)),
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        if text {
            line.label(name).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        }
        chart
            .draw_series(s.iter().map(|p| Circle::new((p.0, p.1), 4, color.filled())))
            .map_err(|e| e.to_string())?;
        if text && color == BLUE {
            chart
                .draw_series(s.iter().map(|p| {
                    Text::new(
                        format!("ef={} ", p.2),
                        (p.0, p.1),
                        ("sans-serif", 13)
                            .into_font()
                            .color(&BLACK)
                            .pos(Pos::new(HPos::Right, VPos::Bottom)),
                    )
                }))
                .map_err(|e| e.to_string())?;
        }
    }
    for (label, r, q) in extra {
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                (*r, *q),
                7,
                GREEN.filled(),
            )))
            .map_err(|e| e.to_string())?;
        if text {
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{label} (default ef) "),
                    (*r, *q),
                    ("sans-serif", 13)
                        .into_font()
                        .color(&GREEN.mix(0.9))
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                )))
                .map_err(|e| e.to_string())?;
        }
    }
    if text {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}
