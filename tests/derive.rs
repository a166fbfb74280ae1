//! `#[derive(SeekdbVectors)]`: the generated `VECTOR_COLUMNS` and `check_vectors`
//! (no server needed), and the compile errors for malformed attributes.

use diesel_seekdb::{Error, Vector};
use diesel_seekdb_derive::SeekdbVectors;

#[derive(SeekdbVectors)]
#[allow(dead_code)]
struct NewItem {
    title: String,
    #[seekdb(vector(dim = 3))]
    embedding: Vector,
    #[seekdb(vector(dim = 8))]
    other: Option<Vector>,
}

#[derive(SeekdbVectors)]
#[allow(dead_code)]
struct NoVectors {
    title: String,
}

#[derive(SeekdbVectors)]
struct Generic<T> {
    #[seekdb(vector(dim = 2))]
    r#type: std::option::Option<Vector>,
    _tag: T,
}

fn item(embedding: Vec<f32>, other: Option<Vec<f32>>) -> NewItem {
    NewItem {
        title: "t".into(),
        embedding: Vector::from(embedding),
        other: other.map(Vector::from),
    }
}

#[test]
fn vector_columns_lists_marked_fields_in_order() {
    assert_eq!(NewItem::VECTOR_COLUMNS, &[("embedding", 3), ("other", 8)]);
    assert!(NoVectors::VECTOR_COLUMNS.is_empty());
    assert_eq!(Generic::<u8>::VECTOR_COLUMNS, &[("type", 2)]);
}

#[test]
fn good_values_pass() {
    item(vec![1.0, 2.0, 3.0], None).check_vectors().unwrap();
    item(vec![1.0, 2.0, 3.0], Some(vec![0.5; 8]))
        .check_vectors()
        .unwrap();
    NoVectors { title: "t".into() }.check_vectors().unwrap();
    let g = Generic {
        r#type: Some(Vector::from([1.0, 2.0])),
        _tag: 0u8,
    };
    g.check_vectors().unwrap();
}

#[test]
fn wrong_dimension_is_refused() {
    let err = item(vec![1.0, 2.0], None).check_vectors().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Dimension {
                expected: 3,
                actual: 2
            }
        ),
        "{err:?}"
    );
    let err = item(vec![1.0, 2.0, 3.0], Some(vec![1.0; 7]))
        .check_vectors()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Dimension {
                expected: 8,
                actual: 7
            }
        ),
        "{err:?}"
    );
    let g = Generic {
        r#type: Some(Vector::from([1.0, 2.0, 3.0])),
        _tag: (),
    };
    assert!(matches!(
        g.check_vectors().unwrap_err(),
        Error::Dimension {
            expected: 2,
            actual: 3
        }
    ));
}

#[test]
fn nan_is_refused_and_names_the_field() {
    let err = item(vec![1.0, f32::NAN, 3.0], None)
        .check_vectors()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "embedding[1]"),
        "{err:?}"
    );
    let mut other = vec![0.0; 8];
    other[5] = f32::INFINITY;
    let err = item(vec![1.0, 2.0, 3.0], Some(other))
        .check_vectors()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "other[5]"),
        "{err:?}"
    );
    // An empty vector: the parameter `vector` becomes the field name.
    let err = item(vec![], None).check_vectors().unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "embedding"),
        "{err:?}"
    );
}

#[test]
fn none_is_skipped() {
    item(vec![1.0, 2.0, 3.0], None).check_vectors().unwrap();
    let g = Generic::<()> {
        r#type: None,
        _tag: (),
    };
    g.check_vectors().unwrap();
}

#[test]
fn malformed_attributes_do_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
