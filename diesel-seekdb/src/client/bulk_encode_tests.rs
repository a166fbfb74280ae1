use super::*;

#[test]
fn vector_keys_are_read_from_show_create_table() {
    let sql = "CREATE TABLE `t` (\n  `id` bigint(20) NOT NULL,\n  `v` VECTOR(3) DEFAULT NULL,\n  \
               PRIMARY KEY (`id`),\n  VECTOR KEY `v``idx` (`v`) WITH (DISTANCE=L2, TYPE=HNSW, LIB=VSAG, \
               M=24, EF_CONSTRUCTION=200, EF_SEARCH=64) BLOCK_SIZE 16384\n) ORGANIZATION INDEX";
    assert_eq!(
        vector_index_defs(sql),
        vec![VectorIndexDef {
            name: "v`idx".into(),
            columns: "(`v`)".into(),
            with: "(DISTANCE=L2, TYPE=HNSW, LIB=VSAG, M=24, EF_CONSTRUCTION=200, EF_SEARCH=64)"
                .into(),
        }]
    );
}

#[test]
fn tsv_lines_escape_what_load_data_reads_specially() {
    let mut out = Vec::new();
    push_tsv_line(
        &mut out,
        &[
            BindValue::Int(-3),
            BindValue::Text("a\tb\\c\nd".into()),
            BindValue::Null,
            BindValue::Vector(crate::Vector::try_new(vec![1.0, 0.5]).unwrap()),
            BindValue::Json(serde_json::json!({"k": "x\ty"})),
        ],
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "-3\ta\\tb\\\\c\\nd\t\\N\t[1,0.5]\t{\"k\":\"x\\\\ty\"}\n"
    );
}

#[test]
fn literals_hex_encode_strings_with_quotes_or_backslashes() {
    let mut out = String::new();
    push_literal(&mut out, &BindValue::Text("plain text".into()));
    out.push(',');
    push_literal(&mut out, &BindValue::Text("it's".into()));
    out.push(',');
    push_literal(&mut out, &BindValue::Float(0.25));
    out.push(',');
    push_literal(&mut out, &BindValue::Bool(true));
    assert_eq!(out, "'plain text',_utf8mb4 X'69742773',2.5e-1,1");
}
