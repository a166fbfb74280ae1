//! The curve's picture (`curve.png`): four panels against N (log scale), one line per
//! path: insert rows/s at size N, time to searchable, ANN q/s and recall@10.

use std::path::Path;

use plotters::prelude::*;
use serde_json::Value;

use crate::plot::{log_ticks, register_font};

type Getter = fn(&Value) -> Option<f64>;
/// A drawn line: legend name, colour, (N, value) points.
type Line<'a> = (&'a str, RGBColor, Vec<(f64, f64)>);

struct Panel {
    title: &'static str,
    y_desc: &'static str,
    log_y: bool,
    legend: SeriesLabelPosition,
    lines: Vec<(&'static str, RGBColor, Getter)>,
}

const LIB: RGBColor = BLUE;
const LIB2: RGBColor = RGBColor(0, 140, 0);
const FLOOR: RGBColor = RED;
const PY: RGBColor = MAGENTA;

fn panels() -> Vec<Panel> {
    vec![
        Panel {
            title: "inserts into an indexed table of N rows",
            y_desc: "rows/s (1,000 per statement)",
            log_y: true,
            legend: SeriesLabelPosition::LowerLeft,
            lines: vec![
                ("typed insert_rows", LIB, |p| {
                    p["inserts_at_n"]["typed_insert_rows"]["rows_per_s"].as_f64()
                }),
                ("ObVecClient", LIB2, |p| {
                    p["inserts_at_n"]["obvec_client"]["rows_per_s"].as_f64()
                }),
                ("raw SQL (floor)", FLOOR, |p| {
                    p["inserts_at_n"]["raw_c_text"]["rows_per_s"].as_f64()
                }),
                ("pyobvector", PY, |p| {
                    p["inserts_at_n"]["pyobvector"]["rows_per_s"].as_f64()
                }),
            ],
        },
        Panel {
            title: "time to searchable (rows in hand -> index at full speed)",
            y_desc: "seconds",
            log_y: true,
            legend: SeriesLabelPosition::UpperLeft,
            lines: vec![
                ("library bulk_load", LIB, |p| {
                    p["time_to_searchable"]["library_bulk_load"]["total_s"].as_f64()
                }),
                ("raw direct load + parallel index (floor)", FLOOR, |p| {
                    p["time_to_searchable"]["raw_floor"]["total_s"].as_f64()
                }),
                ("pyobvector insert + rebuild", PY, |p| {
                    p["time_to_searchable"]["pyobvector_insert_plus_rebuild"]["total_s"].as_f64()
                }),
            ],
        },
        Panel {
            title: "ANN top-10, 1 thread (default ef_search)",
            y_desc: "queries/s (1 / mean latency)",
            log_y: true,
            legend: SeriesLabelPosition::LowerLeft,
            lines: vec![
                ("typed Diesel DSL", LIB, |p| {
                    p["ann"]["diesel_typed"]["per_s_from_mean_latency"].as_f64()
                }),
                ("ObVecClient", LIB2, |p| {
                    p["ann"]["obvec_client"]["per_s_from_mean_latency"].as_f64()
                }),
                ("raw SQL (floor)", FLOOR, |p| {
                    p["ann"]["raw_c_text"]["per_s_from_mean_latency"].as_f64()
                }),
                ("pyobvector", PY, |p| {
                    p["ann"]["pyobvector"]["per_s_from_mean_latency"].as_f64()
                }),
            ],
        },
        Panel {
            title: "recall@10 of those searches",
            y_desc: "recall@10",
            log_y: false,
            legend: SeriesLabelPosition::LowerLeft,
            lines: vec![
                ("typed Diesel DSL", LIB, |p| {
                    p["ann"]["recall_at_10"]["diesel_typed"].as_f64()
                }),
                ("ObVecClient", LIB2, |p| {
                    p["ann"]["recall_at_10"]["obvec_client"].as_f64()
                }),
                ("raw SQL (floor)", FLOOR, |p| {
                    p["ann"]["recall_at_10"]["raw_c_text"].as_f64()
                }),
                ("pyobvector", PY, |p| {
                    p["ann"]["recall_at_10"]["pyobvector"].as_f64()
                }),
            ],
        },
    ]
}

/// Every `curve-n*.json` in `dir`, sorted by N.
pub fn read_points(dir: &Path) -> Result<Vec<Value>, String> {
    let mut points = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("curve-n") && name.ends_with(".json") {
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            points.push(serde_json::from_str::<Value>(&text).map_err(|e| e.to_string())?);
        }
    }
    points.sort_by_key(|p| p["n"].as_u64().unwrap_or(0));
    Ok(points)
}

fn pe<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

pub fn draw(out: &Path, title: &str, points: &[Value]) -> Result<(), String> {
    let text = register_font();
    let ns: Vec<f64> = points.iter().filter_map(|p| p["n"].as_f64()).collect();
    let (nmin, nmax) = match (ns.first(), ns.last()) {
        (Some(a), Some(b)) => (*a / 1.5, *b * 1.5),
        _ => return Err("no curve points to plot".into()),
    };
    let root = BitMapBackend::new(out, (1400, 1000)).into_drawing_area();
    root.fill(&WHITE).map_err(pe)?;
    let root = if text {
        root.titled(title, ("sans-serif", 24)).map_err(pe)?
    } else {
        root
    };
    for (area, panel) in root.split_evenly((2, 2)).iter().zip(panels()) {
        let series: Vec<Line<'_>> = panel
            .lines
            .iter()
            .map(|(name, color, get)| {
                let xy: Vec<(f64, f64)> = points
                    .iter()
                    .filter_map(|p| Some((p["n"].as_f64()?, get(p)?)))
                    .filter(|xy| xy.1 > 0.0)
                    .collect();
                (*name, *color, xy)
            })
            .filter(|s| !s.2.is_empty())
            .collect();
        let ys: Vec<f64> = series
            .iter()
            .flat_map(|s| s.2.iter().map(|p| p.1))
            .collect();
        if ys.is_empty() {
            continue;
        }
        let ymin = ys.iter().copied().fold(f64::INFINITY, f64::min);
        let ymax = ys.iter().copied().fold(0f64, f64::max);
        let mut b = ChartBuilder::on(area);
        b.margin(18);
        if text {
            b.caption(panel.title, ("sans-serif", 18))
                .x_label_area_size(45)
                .y_label_area_size(70);
        }
        let xr = (nmin..nmax)
            .log_scale()
            .with_key_points(log_ticks(nmin, nmax));
        let fmt_n = |x: &f64| {
            if *x >= 1e6 {
                format!("{:.1}M", x / 1e6)
            } else {
                format!("{:.0}k", x / 1e3)
            }
        };
        let fmt_y = |y: &f64| {
            if *y >= 100.0 {
                format!("{y:.0}")
            } else if *y > 1.0 {
                format!("{y:.1}")
            } else {
                format!("{y:.3}")
            }
        };
        macro_rules! finish {
            ($chart:expr) => {{
                let mut chart = $chart;
                let mut mesh = chart.configure_mesh();
                mesh.x_label_formatter(&fmt_n).y_label_formatter(&fmt_y);
                if text {
                    mesh.x_desc("N rows (log scale)")
                        .y_desc(panel.y_desc)
                        .label_style(("sans-serif", 14));
                }
                mesh.draw().map_err(pe)?;
                for (name, color, xy) in &series {
                    chart
                        .draw_series(LineSeries::new(xy.clone(), color.stroke_width(2)))
                        .map_err(pe)?
                        .label(*name)
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
                        });
                    chart
                        .draw_series(xy.iter().map(|p| Circle::new(*p, 4, color.filled())))
                        .map_err(pe)?;
                }
                if text {
                    chart
                        .configure_series_labels()
                        .background_style(WHITE.mix(0.85))
                        .border_style(BLACK)
                        .label_font(("sans-serif", 13))
                        .position(panel.legend.clone())
                        .draw()
                        .map_err(pe)?;
                }
            }};
        }
        if panel.log_y {
            let (y0, y1) = (ymin / 1.5, ymax * 1.5);
            finish!(b
                .build_cartesian_2d(xr, (y0..y1).log_scale().with_key_points(log_ticks(y0, y1)))
                .map_err(pe)?);
        } else {
            let (y0, y1) = ((ymin - 0.02).max(0.0), 1.005);
            finish!(b.build_cartesian_2d(xr, y0..y1).map_err(pe)?);
        }
    }
    root.present().map_err(pe)?;
    Ok(())
}
