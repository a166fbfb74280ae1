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

/// A field becomes a column and the column becomes the same field again: the Milvus
/// schema and the table builder share one column-type model.
#[test]
fn fields_round_trip_through_table_columns() {
    let fields = [
        FieldSchema::new("id", DataType::Int64)
            .primary()
            .auto_id(true),
        FieldSchema::new("a", DataType::Int8),
        FieldSchema::new("b", DataType::Int16),
        FieldSchema::new("c", DataType::Int32),
        FieldSchema::new("d", DataType::Float),
        FieldSchema::new("e", DataType::Double),
        FieldSchema::new("f", DataType::Bool).nullable(true),
        FieldSchema::new("g", DataType::VarChar).max_length(20),
        FieldSchema::new("h", DataType::String).description("notes"),
        FieldSchema::new("i", DataType::Json),
        FieldSchema::new("v", DataType::FloatVector).dim(3),
        FieldSchema::new("s", DataType::SparseFloatVector),
        FieldSchema::new("t", DataType::Array)
            .element_type(DataType::VarChar)
            .max_length(8),
        FieldSchema::new("u", DataType::Array).element_type(DataType::Int32),
    ];
    let mut schema = CollectionSchema::new();
    for f in &fields {
        schema.add_field(f.clone());
    }
    let table = schema.to_create_table("t", None).unwrap();
    let back = CollectionSchema::from_create_table(&table).unwrap();
    let view = |s: &CollectionSchema| {
        s.fields
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    f.dtype,
                    f.is_primary,
                    f.auto_id,
                    f.dim,
                    f.max_length,
                    f.element_type,
                    f.description.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(view(&back), view(&schema));
    for f in &fields {
        let column = f.to_column().unwrap();
        assert_eq!(
            DataType::of_column_type(column.column_type()),
            Some(f.dtype)
        );
    }
    for ty in [
        ColumnType::BigIntUnsigned,
        ColumnType::Decimal(10, 2),
        ColumnType::DateTime,
        ColumnType::Char(3),
        ColumnType::array(ColumnType::Vector(3)),
    ] {
        assert_eq!(DataType::of_column_type(&ty), None, "{}", ty.to_sql());
        let err = FieldSchema::from_column(&Column::new("x", ty)).unwrap_err();
        assert!(matches!(err, Error::Validation { parameter, .. } if parameter == "x"));
    }
}
