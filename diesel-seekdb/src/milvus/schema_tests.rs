use super::*;

#[test]
fn data_types_keep_their_milvus_names() {
    for (t, name) in [
        (DataType::Bool, "BOOL"),
        (DataType::Int8, "INT8"),
        (DataType::Int64, "INT64"),
        (DataType::VarChar, "VARCHAR"),
        (DataType::String, "STRING"),
        (DataType::FloatVector, "FLOAT_VECTOR"),
        (DataType::SparseFloatVector, "SPARSE_FLOAT_VECTOR"),
    ] {
        assert_eq!(t.to_string(), name);
        assert_eq!(name.parse::<DataType>().unwrap(), t);
        assert_eq!(DataType::parse(&name.to_lowercase()).unwrap(), t);
    }
    assert_eq!(
        DataType::parse("FloatVector").unwrap(),
        DataType::FloatVector
    );
    assert!(DataType::parse("FLOAT16_VECTOR").is_err());
}

#[test]
#[allow(deprecated)]
fn old_variant_names_still_work_in_expressions_and_patterns() {
    assert_eq!(DataType::FLOAT_VECTOR, DataType::FloatVector);
    assert_eq!(DataType::SPARSE_FLOAT_VECTOR, DataType::SparseFloatVector);
    let kind = match DataType::Int32 {
        DataType::INT32 => "int32",
        _ => "other",
    };
    assert_eq!(kind, "int32");
}
