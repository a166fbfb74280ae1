//! GIS (`POINT` columns, `st_distance`, `_st_dwithin`, `st_astext`, `ST_GeomFromText`)
//! against a real seekdb, through the C client and diesel-async.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_seekdb::diesel_ext::{st_astext, st_distance, st_geomfromtext};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{Error, SeekdbResultExt, ServerErrorKind};
use diesel_seekdb_suite::TestDb;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Point;
    places (id) {
        id -> Integer,
        name -> Varchar,
        location -> Point,
        maybe -> Nullable<Point>,
    }
}

#[derive(Insertable, Queryable, Selectable, Debug, PartialEq)]
#[diesel(table_name = places)]
struct Place {
    id: i32,
    name: String,
    location: Point,
    maybe: Option<Point>,
}

const CREATE: &str = "CREATE TABLE places (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, \
     location POINT NOT NULL SRID 0, maybe POINT, SPATIAL INDEX sp(location))";

fn places() -> Vec<Place> {
    [
        (1, 1.5, 2.0),
        (2, 3.0, 4.0),
        (3, -1.0, 0.5),
        (4, 10.0, 10.0),
    ]
    .into_iter()
    .map(|(id, x, y)| Place {
        id,
        name: format!("p{id}"),
        location: Point::new(x, y),
        maybe: (id == 2).then(|| Point::new(0.25, -0.125)),
    })
    .collect()
}

/// Ids within 3 of the origin, nearest first: (-1, 0.5) 1.118, (1.5, 2) 2.5.
const NEAR_ORIGIN: [i32; 2] = [3, 1];

#[test]
fn points_round_trip_and_filter_by_distance_through_the_c_client() {
    let db = TestDb::new("gis_sync");
    let mut conn = db.connect();
    conn.batch_execute(CREATE).unwrap();
    assert_eq!(
        diesel::insert_into(places::table)
            .values(&places())
            .execute(&mut conn)
            .unwrap(),
        4
    );
    // pyobvector's way of writing: ST_GeomFromText('POINT(x y)', 0).
    diesel::insert_into(places::table)
        .values((
            places::id.eq(5),
            places::name.eq("wkt"),
            places::location.eq(st_geomfromtext("POINT(39.9 116.4)", 0)),
        ))
        .execute(&mut conn)
        .unwrap();

    // The C client reads the bare column; `readable()` gives the same value.
    let loaded: Vec<Place> = places::table
        .order(places::id)
        .select(Place::as_select())
        .load(&mut conn)
        .unwrap();
    assert_eq!(&loaded[..4], &places()[..]);
    assert_eq!(loaded[4].location, Point::new(39.9, 116.4));
    let readable: Vec<(i32, Point, Option<Point>)> = places::table
        .order(places::id)
        .select((
            places::id,
            places::location.readable(),
            places::maybe.readable(),
        ))
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        readable[1],
        (2, Point::new(3.0, 4.0), Some(Point::new(0.25, -0.125)))
    );
    assert_eq!(readable[0].2, None);

    let origin = Point::new(0.0, 0.0);
    let near: Vec<(i32, f64)> = places::table
        .select((places::id, places::location.st_distance(origin)))
        .filter(places::location.st_dwithin(origin, 3.0))
        .order(places::location.st_distance(origin))
        .load(&mut conn)
        .unwrap();
    assert_eq!(near.iter().map(|r| r.0).collect::<Vec<_>>(), NEAR_ORIGIN);
    assert!((near[0].1 - 1.25f64.sqrt()).abs() < 1e-9, "{near:?}");
    assert!((near[1].1 - 2.5).abs() < 1e-9, "{near:?}");

    let text: Vec<String> = places::table
        .order(places::id)
        .select(places::location.st_astext())
        .load(&mut conn)
        .unwrap();
    assert_eq!(text[0], "POINT(1.5 2)");
    assert_eq!(text[4], "POINT(39.9 116.4)");
    let nullable_text: Option<String> = places::table
        .find(1)
        .select(places::maybe.st_astext())
        .first(&mut conn)
        .unwrap();
    assert_eq!(nullable_text, None);

    // The free functions, on values only.
    let d: f64 = diesel::select(st_distance(Point::new(0.0, 0.0), Point::new(3.0, 4.0)))
        .get_result(&mut conn)
        .unwrap();
    assert!((d - 5.0).abs() < 1e-12);
    let t: String = diesel::select(st_astext(Point::new(-2.5, 7.0)))
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(t, "POINT(-2.5 7)");
}

#[test]
fn srid_4326_is_a_typed_error_naming_the_fix_and_non_finite_points_are_refused() {
    let db = TestDb::new("gis_srid");
    let mut conn = db.connect();
    conn.batch_execute(CREATE).unwrap();

    let err = diesel::insert_into(places::table)
        .values(&Place {
            id: 1,
            name: "wgs84".into(),
            location: Point::with_srid(116.4, 39.9, 4326),
            maybe: None,
        })
        .execute(&mut conn)
        .with_errno(&mut conn)
        .unwrap_err();
    assert_eq!(err.code(), Some(3548), "{err}");
    assert_eq!(err.kind(), Some(ServerErrorKind::UnknownSpatialReference));
    assert!(err.to_string().contains("POINT SRID 0"), "{err}");

    // Through a bound `Option<Point>` (stored bytes) the server answers 1416 instead.
    let err = diesel::insert_into(places::table)
        .values((
            places::id.eq(1),
            places::name.eq("option"),
            places::location.eq(Point::new(1.0, 2.0)),
            places::maybe.eq(Some(Point::with_srid(116.4, 39.9, 4326))),
        ))
        .execute(&mut conn)
        .with_errno(&mut conn)
        .unwrap_err();
    assert_eq!(err.kind(), Some(ServerErrorKind::InvalidGeometry), "{err}");
    assert!(err.to_string().contains("SRID other than 0"), "{err}");

    let err = conn
        .batch_execute("CREATE TABLE wgs (id INT PRIMARY KEY, p POINT NOT NULL SRID 4326)")
        .with_errno(&mut conn)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        Some(ServerErrorKind::UnknownSpatialReference),
        "{err}"
    );

    let err = diesel::insert_into(places::table)
        .values((
            places::id.eq(2),
            places::name.eq("nan"),
            places::location.eq(Point::new(f64::NAN, 0.0)),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(err.to_string().contains("point.x"), "{err}");
    let count: i64 = places::table.count().get_result(&mut conn).unwrap();
    assert_eq!(count, 0, "nothing was written");
}

/// The builder's SPATIAL index, created on the server, is what `_st_dwithin` plans on.
#[test]
fn a_spatial_index_from_the_builder_serves_st_dwithin() {
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct PlanLine {
        #[diesel(sql_type = Text, column_name = "Query Plan")]
        line: String,
    }
    let db = TestDb::new("gis_index");
    let mut conn = db.connect();
    conn.batch_execute(
        "CREATE TABLE places (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, \
         location POINT NOT NULL SRID 0, maybe POINT)",
    )
    .unwrap();
    let ddl = diesel_seekdb::ddl::Index::spatial("near_idx", "location")
        .to_create_sql("places")
        .unwrap();
    assert_eq!(
        ddl,
        "CREATE SPATIAL INDEX `near_idx` ON `places` (`location`)"
    );
    conn.batch_execute(&ddl).unwrap();
    diesel::insert_into(places::table)
        .values(&places())
        .execute(&mut conn)
        .unwrap();
    // EXPLAIN takes no bound parameters: the point's WKB inlined as hex, as bound otherwise.
    let wkb: String = Point::new(0.0, 0.0)
        .to_wkb()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let plan: Vec<PlanLine> = diesel::sql_query(format!(
        "EXPLAIN SELECT id FROM places WHERE _st_dwithin(location, ST_GeomFromWKB(x'{wkb}', 0), 3)"
    ))
    .load(&mut conn)
    .unwrap();
    let plan: String = plan.into_iter().map(|p| p.line + "\n").collect();
    assert!(plan.contains("places(near_idx)"), "{plan}");
    let near: Vec<i32> = places::table
        .select(places::id)
        .filter(places::location.st_dwithin(Point::new(0.0, 0.0), 3.0))
        .order(places::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(near, [1, 3]);
}

mod through_diesel_async {
    use super::*;
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};

    #[tokio::test]
    async fn points_round_trip_and_filter_by_distance_through_diesel_async() {
        let db = TestDb::new("gis_async");
        let mut conn = AsyncMysqlConnection::establish(&db.url).await.unwrap();
        conn.batch_execute(CREATE).await.unwrap();
        assert_eq!(
            diesel::insert_into(places::table)
                .values(&places())
                .execute(&mut conn)
                .await
                .unwrap(),
            4
        );
        // diesel-async's driver cannot read a GEOMETRY result: `readable()` can.
        let loaded: Vec<(i32, String, Point, Option<Point>)> = places::table
            .order(places::id)
            .select((
                places::id,
                places::name,
                places::location.readable(),
                places::maybe.readable(),
            ))
            .load(&mut conn)
            .await
            .unwrap();
        let expected: Vec<_> = places()
            .into_iter()
            .map(|p| (p.id, p.name, p.location, p.maybe))
            .collect();
        assert_eq!(loaded, expected);

        let origin = Point::new(0.0, 0.0);
        let near: Vec<i32> = places::table
            .select(places::id)
            .filter(places::location.st_dwithin(origin, 3.0))
            .order(places::location.st_distance(origin))
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(near, NEAR_ORIGIN);
        let text: String = places::table
            .find(4)
            .select(places::location.st_astext())
            .first(&mut conn)
            .await
            .unwrap();
        assert_eq!(text, "POINT(10 10)");

        let err = diesel::insert_into(places::table)
            .values((
                places::id.eq(9),
                places::name.eq("wgs84"),
                places::location.eq(Point::with_srid(1.0, 2.0, 4326)),
            ))
            .execute(&mut conn)
            .await
            .unwrap_err();
        let err = Error::from_diesel_async(err, &mut conn).await;
        assert_eq!(
            err.kind(),
            Some(ServerErrorKind::UnknownSpatialReference),
            "{err}"
        );
    }
}

// ---- the clients: POINT columns as JSON, spatial search, both transports ------------

mod clients {
    use super::*;
    use diesel_seekdb::client::{Filter, SpatialSearch};
    use diesel_seekdb::{AsyncObVecClient, ObVecClient};
    use serde_json::{json, Map, Value};

    type Rows = Vec<Map<String, Value>>;

    /// Every JSON form a POINT column takes: an object (SRID optional), `[x, y]`, WKT.
    fn client_rows() -> Vec<Value> {
        vec![
            json!({"id": 1, "name": "a", "location": {"x": 1.5, "y": 2}}),
            json!({"id": 2, "name": "b", "location": [3, 4], "maybe": {"x": 0.25, "y": -0.125, "srid": 0}}),
            json!({"id": 3, "name": "c", "location": "POINT(-1 0.5)"}),
            json!({"id": 4, "name": "d", "location": {"x": 10, "y": 10, "srid": 0}}),
        ]
    }

    fn point(x: f64, y: f64) -> Value {
        json!({"x": x, "y": y, "srid": 0})
    }

    fn ids(rows: &Rows) -> Vec<i64> {
        rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
    }

    fn check_all(rows: &Rows) {
        assert_eq!(ids(rows), [1, 2, 3, 4]);
        assert_eq!(rows[0]["location"], point(1.5, 2.0));
        assert_eq!(rows[1]["location"], point(3.0, 4.0));
        assert_eq!(rows[1]["maybe"], point(0.25, -0.125));
        assert_eq!(rows[2]["location"], point(-1.0, 0.5));
        assert_eq!(rows[0]["maybe"], Value::Null);
    }

    fn check_near(rows: &Rows) {
        assert_eq!(ids(rows), NEAR_ORIGIN.map(i64::from));
        let d: Vec<f64> = rows
            .iter()
            .map(|r| r["distance"].as_f64().unwrap())
            .collect();
        assert!(
            (d[0] - 1.25f64.sqrt()).abs() < 1e-9 && (d[1] - 2.5).abs() < 1e-9,
            "{d:?}"
        );
        assert_eq!(rows[1]["location"], point(1.5, 2.0));
    }

    fn near_origin() -> SpatialSearch {
        SpatialSearch::new("places", "location", Point::new(0.0, 0.0), 10).within(3.0)
    }

    fn within_filter() -> Filter {
        Filter::expr(places::location.st_dwithin(Point::new(10.0, 9.0), 1.5))
    }

    fn wgs84_row() -> Vec<Value> {
        vec![json!({"id": 9, "name": "w", "location": {"x": 116.4, "y": 39.9, "srid": 4326}})]
    }

    #[test]
    fn obvec_client_reads_writes_and_searches_points() {
        let db = TestDb::new("gis_client");
        let client = ObVecClient::from_url(&db.url).unwrap();
        client.execute_table_ddl("places", CREATE).unwrap();
        assert_eq!(client.insert("places", &client_rows(), None).unwrap(), 4);
        check_all(&client.get("places", &[], None, &[], &[]).unwrap());
        check_near(&client.spatial_search(near_origin()).unwrap());
        let nearest = client
            .spatial_search(
                SpatialSearch::new("places", "location", Point::new(9.0, 9.0), 1)
                    .output_columns(&["id"]),
            )
            .unwrap();
        assert_eq!(ids(&nearest), [4]);
        assert_eq!(nearest[0].len(), 2, "id and distance: {:?}", nearest[0]);
        let filtered = client
            .get(
                "places",
                &[],
                Some(within_filter()),
                &["id", "location"],
                &[],
            )
            .unwrap();
        assert_eq!(ids(&filtered), [4]);

        let err = client.insert("places", &wgs84_row(), None).unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ServerErrorKind::UnknownSpatialReference),
            "{err}"
        );
        let err = client
            .insert(
                "places",
                &[json!({"id": 9, "name": "x", "location": {"x": 1}})],
                None,
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::Validation { ref parameter, .. } if parameter.ends_with("location.y")),
            "{err}"
        );
        let err = client
            .spatial_search(SpatialSearch::new(
                "places",
                "name",
                Point::new(0.0, 0.0),
                1,
            ))
            .unwrap_err();
        assert!(err.to_string().contains("not a POINT"), "{err}");
        assert_eq!(
            client.get("places", &[], None, &["id"], &[]).unwrap().len(),
            4
        );
    }

    #[tokio::test]
    async fn async_client_reads_writes_and_searches_points() {
        let db = TestDb::new("gis_async_client");
        let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
        client.execute_table_ddl("places", CREATE).await.unwrap();
        assert_eq!(
            client.insert("places", &client_rows(), None).await.unwrap(),
            4
        );
        check_all(&client.get("places", &[], None, &[], &[]).await.unwrap());
        check_near(&client.spatial_search(near_origin()).await.unwrap());
        let filtered = client
            .get(
                "places",
                &[],
                Some(within_filter()),
                &["id", "location"],
                &[],
            )
            .await
            .unwrap();
        assert_eq!(ids(&filtered), [4]);
        let err = client
            .insert("places", &wgs84_row(), None)
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ServerErrorKind::UnknownSpatialReference),
            "{err}"
        );
        assert_eq!(
            client
                .get("places", &[], None, &["id"], &[])
                .await
                .unwrap()
                .len(),
            4
        );
    }
}

// ---- the Milvus-style client: a GEOMETRY field is a POINT SRID 0 column ------------

#[test]
fn milvus_geometry_fields_are_points() {
    use diesel_seekdb::milvus::{DataType, FieldSchema, MilvusLikeClient};
    use serde_json::json;

    let db = TestDb::new("gis_milvus");
    let c = MilvusLikeClient::from_url(&db.url).unwrap();
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(2))
        .add_field(FieldSchema::new("loc", DataType::Geometry));
    c.create_collection("geo", &schema, None).unwrap();
    let column_type: String = {
        #[derive(QueryableByName)]
        struct T {
            #[diesel(sql_type = diesel::sql_types::Text)]
            t: String,
        }
        let mut conn = db.connect();
        diesel::sql_query(
            "SELECT CONCAT(COLUMN_TYPE, ' ', SRS_ID) AS t FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'geo' AND COLUMN_NAME = 'loc'",
        )
        .get_result::<T>(&mut conn)
        .unwrap()
        .t
    };
    assert_eq!(column_type, "point 0");
    // pymilvus writes geometry as WKT, with a space before the parenthesis.
    c.insert(
        "geo",
        &[
            json!({"id": 1, "embedding": [1.0, 0.0], "loc": "POINT (1 2)"}),
            json!({"id": 2, "embedding": [0.0, 1.0], "loc": [3, 4]}),
        ],
        None,
    )
    .unwrap();
    let rows = c
        .query("geo", Some("id > 0".into()), &["id", "loc"], &[], None)
        .unwrap();
    let mut locs: Vec<(i64, serde_json::Value)> = rows
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["loc"].clone()))
        .collect();
    locs.sort_by_key(|l| l.0);
    assert_eq!(
        locs,
        [
            (1, json!({"x": 1.0, "y": 2.0, "srid": 0})),
            (2, json!({"x": 3.0, "y": 4.0, "srid": 0}))
        ]
    );
    let described = c.describe_collection("geo").unwrap();
    assert!(described.to_string().contains("GEOMETRY"), "{described}");
}

// ---- the derive and the table builder: POINT and fixed-size vector fields ------------

mod derived {
    use super::*;
    use diesel_seekdb::ddl::{Column, ColumnType, CreateTable, Index};

    #[derive(QueryableByName)]
    struct PlanLine {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "Query Plan")]
        line: String,
    }
    use diesel_seekdb::model::SeekdbTable as _;
    use diesel_seekdb::FixedVector;
    use diesel_seekdb_derive::SeekdbTable;

    diesel::table! {
        use diesel::sql_types::*;
        use diesel_seekdb::sql_types::{Point, VectorOf};
        shops (id) {
            id -> BigInt,
            location -> Point,
            embedding -> VectorOf<3>,
        }
    }

    /// Field types alone give the columns: `Point` is POINT SRID 0, `FixedVector<3>`
    /// and `[f32; 2]` are VECTOR(3) and VECTOR(2), with no `vector(dim)` attribute.
    #[derive(SeekdbTable, Insertable, Queryable, Selectable, Debug, PartialEq)]
    #[diesel(table_name = shops)]
    struct Shop {
        #[seekdb(primary_key)]
        id: i64,
        #[seekdb(spatial)]
        location: Point,
        #[seekdb(index(kind = "hnsw", distance = "l2"))]
        embedding: FixedVector<3>,
    }

    #[derive(SeekdbTable)]
    #[allow(dead_code)]
    #[seekdb(table = "arrays")]
    struct WithArray {
        #[seekdb(primary_key)]
        id: i64,
        small: [f32; 2],
        maybe_here: Option<Point>,
        #[seekdb(spatial(name = "here_sp"))]
        here: Point,
    }

    #[test]
    fn derived_and_built_tables_take_points_and_fixed_vectors() {
        let sql = Shop::create_table_sql().unwrap();
        assert!(sql.contains("`location` POINT SRID 0 NOT NULL"), "{sql}");
        assert!(sql.contains("`embedding` VECTOR(3) NOT NULL"), "{sql}");
        let sql = WithArray::create_table_sql().unwrap();
        assert!(sql.contains("`small` VECTOR(2) NOT NULL"), "{sql}");
        assert!(sql.contains("`maybe_here` POINT SRID 0"), "{sql}");
        assert!(sql.contains("SPATIAL KEY `here_sp` (`here`)"), "{sql}");

        let db = TestDb::new("gis_derive");
        let mut conn = db.connect();
        // `#[seekdb(spatial)]` gives the derived table its SPATIAL index (`sidx_location`).
        let sql = Shop::create_table_sql().unwrap();
        assert!(
            sql.contains("SPATIAL KEY `sidx_location` (`location`)"),
            "{sql}"
        );
        conn.batch_execute(&sql).unwrap();
        conn.batch_execute(&WithArray::create_table_sql().unwrap())
            .unwrap();
        let client = diesel_seekdb::ObVecClient::from_connection(db.connect());
        let info = client.table_info("shops").unwrap();
        let sidx = info.indexes.iter().find(|i| i.name == "sidx_location");
        let sidx = sidx.unwrap_or_else(|| panic!("{:?}", info.indexes));
        assert_eq!(sidx.columns, ["location"]);
        assert!(sidx.index_type.eq_ignore_ascii_case("SPATIAL"), "{sidx:?}");
        assert_eq!(
            info.column("location").unwrap().parsed_type,
            Some(ColumnType::Point(Some(0)))
        );
        let info = client.table_info("arrays").unwrap();
        assert!(info.indexes.iter().any(|i| i.name == "here_sp"), "{info:?}");
        let shops = vec![
            Shop {
                id: 1,
                location: Point::new(0.5, 0.5),
                embedding: FixedVector::new([1.0, 0.0, 0.0]),
            },
            Shop {
                id: 2,
                location: Point::new(5.0, 5.0),
                embedding: FixedVector::new([0.0, 1.0, 0.0]),
            },
        ];
        diesel::insert_into(shops::table)
            .values(&shops)
            .execute(&mut conn)
            .unwrap();
        let near: Vec<Shop> = shops::table
            .filter(shops::location.st_dwithin(Point::new(0.0, 0.0), 1.0))
            .select(Shop::as_select())
            .load(&mut conn)
            .unwrap();
        assert_eq!(near, shops[..1]);
        // The derived index is the one `_st_dwithin` plans on.
        let wkb: String = Point::new(0.0, 0.0)
            .to_wkb()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let plan: Vec<PlanLine> = diesel::sql_query(format!(
            "EXPLAIN SELECT id FROM shops WHERE _st_dwithin(location, ST_GeomFromWKB(x'{wkb}', 0), 1)"
        ))
        .load(&mut conn)
        .unwrap();
        let plan: String = plan.into_iter().map(|p| p.line + "\n").collect();
        assert!(plan.contains("shops(sidx_location)"), "{plan}");

        // The table builder with POINT columns, run on the server.
        let built = CreateTable::new("built")
            .column(Column::new("id", ColumnType::Int).not_null())
            .column(Column::new("p", ColumnType::Point(Some(0))).not_null())
            .column(Column::new("q", ColumnType::Point(None)))
            .primary_key(["id"])
            .index(Index::spatial("built_sp", "p"));
        let sql = built.to_sql().unwrap();
        assert!(sql.contains("SPATIAL KEY `built_sp` (`p`)"), "{sql}");
        conn.batch_execute(&sql).unwrap();
        let wgs = CreateTable::new("wgs")
            .column(Column::new("id", ColumnType::Int).not_null())
            .column(Column::new("p", ColumnType::Point(Some(4326))).not_null())
            .primary_key(["id"]);
        let err = conn
            .batch_execute(&wgs.to_sql().unwrap())
            .with_errno(&mut conn)
            .unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ServerErrorKind::UnknownSpatialReference),
            "{err}"
        );
    }
}
