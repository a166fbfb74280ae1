//! Fixed-size vectors (`FixedVector<N>`, `VectorOf<N>` columns) against a real seekdb,
//! through the C client (`MysqlConnection`) and diesel-async (`AsyncMysqlConnection`).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_seekdb::prelude::*;
use diesel_seekdb::{Error, FixedVector};
use diesel_seekdb_suite::TestDb;

// The same table seen three ways: dynamic, with its true dimension, with a wrong one.
diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::VectorOf;
    fixed (id) {
        id -> Integer,
        embedding -> VectorOf<3>,
        other -> Nullable<VectorOf<3>>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    #[sql_name = "fixed"]
    dynamic (id) {
        id -> Integer,
        embedding -> Vector,
        other -> Nullable<Vector>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::VectorOf;
    #[sql_name = "fixed"]
    wrong (id) {
        id -> Integer,
        embedding -> VectorOf<4>,
    }
}

#[derive(Insertable, Queryable, Selectable, Debug, PartialEq)]
#[diesel(table_name = fixed)]
struct Row {
    id: i32,
    embedding: FixedVector<3>,
    other: Option<FixedVector<3>>,
}

const CREATE: &str = "CREATE TABLE fixed (id INT PRIMARY KEY, embedding VECTOR(3) NOT NULL, \
     other VECTOR(3), VECTOR INDEX vidx(embedding) WITH (distance=l2, type=hnsw, lib=vsag))";

fn rows() -> Vec<Row> {
    vec![
        Row {
            id: 1,
            embedding: FixedVector::new([1.0, 0.0, 0.0]),
            other: None,
        },
        Row {
            id: 2,
            embedding: FixedVector::new([0.0, 1.0, 0.0]),
            other: Some(FixedVector::new([0.5, 0.25, 0.125])),
        },
        Row {
            id: 3,
            embedding: FixedVector::new([0.0, 0.0, 1.0]),
            other: None,
        },
    ]
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5)
}

/// Whether `err` or one of its sources (Diesel wraps a field's error in
/// "Error deserializing field ...") names both dimensions.
fn is_dimension_error(err: &diesel::result::Error, expected: usize, actual: usize) -> bool {
    let wanted = format!("expected {expected} dimensions, got {actual}");
    let mut current: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = current {
        if e.to_string().contains(&wanted) {
            return true;
        }
        current = e.source();
    }
    false
}

#[test]
fn fixed_vectors_insert_load_and_search_through_the_c_client() {
    let db = TestDb::new("fixed_sync");
    let mut conn = db.connect();
    conn.batch_execute(CREATE).unwrap();

    assert_eq!(
        diesel::insert_into(fixed::table)
            .values(&rows())
            .execute(&mut conn)
            .unwrap(),
        3
    );
    // A `[f32; N]` converts into the column's value; a dynamic `Vector` of the right size binds too.
    diesel::insert_into(fixed::table)
        .values((
            fixed::id.eq(4),
            fixed::embedding.eq(FixedVector::from([0.9f32, 0.1, 0.0])),
            fixed::other.eq(Vector::from(vec![1.0, 1.0, 1.0])),
        ))
        .execute(&mut conn)
        .unwrap();

    let loaded: Vec<Row> = fixed::table
        .order(fixed::id)
        .select(Row::as_select())
        .load(&mut conn)
        .unwrap();
    assert_eq!(loaded.len(), 4);
    assert_eq!(&loaded[..3], &rows()[..]);
    assert!(close(loaded[3].embedding.as_slice(), &[0.9, 0.1, 0.0]));
    assert_eq!(loaded[3].other, Some(FixedVector::new([1.0, 1.0, 1.0])));

    // The typed search: the query vector's type carries the column's dimension.
    let nearest: Vec<i32> = fixed::table
        .select(fixed::id)
        .order(
            fixed::embedding
                .l2_distance(FixedVector::new([1.0, 0.05, 0.0]))
                .approximate(),
        )
        .limit(2)
        .load(&mut conn)
        .unwrap();
    assert_eq!(nearest, vec![1, 4]);

    // A dynamic column loads into a fixed value too, and the other way round.
    let as_fixed: Vec<FixedVector<3>> = dynamic::table
        .order(dynamic::id)
        .select(dynamic::embedding)
        .load(&mut conn)
        .unwrap();
    assert_eq!(as_fixed[0], FixedVector::new([1.0, 0.0, 0.0]));
    let as_dynamic: Vec<Vector> = fixed::table
        .order(fixed::id)
        .select(fixed::embedding)
        .load(&mut conn)
        .unwrap();
    assert_eq!(as_dynamic[2].as_slice(), &[0.0, 0.0, 1.0]);
}

#[test]
fn another_dimension_is_refused_naming_both_through_the_c_client() {
    let db = TestDb::new("fixed_sync_dims");
    let mut conn = db.connect();
    conn.batch_execute(CREATE).unwrap();
    diesel::insert_into(fixed::table)
        .values(&rows())
        .execute(&mut conn)
        .unwrap();

    // Loading 3-d values as 4-d: a deserialization error naming both sizes.
    let err = wrong::table
        .select(wrong::embedding)
        .load::<FixedVector<4>>(&mut conn)
        .unwrap_err();
    assert!(is_dimension_error(&err, 4, 3), "{err:?}");
    let err = dynamic::table
        .select(dynamic::embedding)
        .load::<FixedVector<2>>(&mut conn)
        .unwrap_err();
    assert!(is_dimension_error(&err, 2, 3), "{err:?}");
    // Through `VectorOf<4>` even a dynamic `Vector` is checked.
    let err = wrong::table
        .select(wrong::embedding)
        .load::<Vector>(&mut conn)
        .unwrap_err();
    assert!(is_dimension_error(&err, 4, 3), "{err:?}");

    // A dynamic vector of the wrong size is refused before anything is sent.
    let err = diesel::insert_into(fixed::table)
        .values((
            fixed::id.eq(9),
            fixed::embedding.eq(Vector::from(vec![1.0, 2.0])),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(is_dimension_error(&err, 3, 2), "{err}");
    let err = fixed::table
        .select(fixed::id)
        .order(fixed::embedding.l2_distance(Vector::from(vec![1.0; 5])))
        .load::<i32>(&mut conn)
        .unwrap_err();
    assert!(is_dimension_error(&err, 3, 5), "{err}");
    let count: i64 = fixed::table.count().get_result(&mut conn).unwrap();
    assert_eq!(count, 3, "nothing was written");

    // NaN is refused for fixed vectors as for dynamic ones.
    let err = diesel::insert_into(fixed::table)
        .values((
            fixed::id.eq(9),
            fixed::embedding.eq(FixedVector::new([1.0, f32::NAN, 0.0])),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(err.to_string().contains("vector[1]"), "{err}");

    // The typed error, not just its text.
    let typed = FixedVector::<4>::try_from(Vector::from(vec![1.0; 3])).unwrap_err();
    assert!(matches!(
        typed,
        Error::Dimension {
            expected: 4,
            actual: 3
        }
    ));
}

// diesel-async's `RunQueryDsl` in a scope without Diesel's.
mod through_diesel_async {
    use super::*;
    use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
    use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};

    #[tokio::test]
    async fn fixed_vectors_insert_load_search_and_refuse_other_dimensions_through_diesel_async() {
        let db = TestDb::new("fixed_async");
        let mut conn = AsyncMysqlConnection::establish(&db.url).await.unwrap();
        conn.batch_execute(CREATE).await.unwrap();
        assert_eq!(
            diesel::insert_into(fixed::table)
                .values(&rows())
                .execute(&mut conn)
                .await
                .unwrap(),
            3
        );
        let loaded: Vec<Row> = fixed::table
            .order(fixed::id)
            .select(Row::as_select())
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(loaded, rows());

        let nearest: Vec<i32> = fixed::table
            .select(fixed::id)
            .order(
                fixed::embedding
                    .l2_distance(FixedVector::new([0.0, 0.1, 0.9]))
                    .approximate(),
            )
            .limit(1)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(nearest, vec![3]);

        let err = wrong::table
            .select(wrong::embedding)
            .load::<FixedVector<4>>(&mut conn)
            .await
            .unwrap_err();
        assert!(is_dimension_error(&err, 4, 3), "{err:?}");
        let err = diesel::insert_into(fixed::table)
            .values((
                fixed::id.eq(9),
                fixed::embedding.eq(Vector::from(vec![1.0, 2.0])),
            ))
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert!(is_dimension_error(&err, 3, 2), "{err}");
        let count: i64 = fixed::table.count().get_result(&mut conn).await.unwrap();
        assert_eq!(count, 3, "nothing was written");
    }
}

/// Comparing a `VectorOf<3>` column with a value of another fixed dimension does not
/// compile (tests/ui_fixed).
#[test]
fn other_fixed_dimensions_do_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui_fixed/*.rs");
}
