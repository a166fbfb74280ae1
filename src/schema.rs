// @generated automatically by Diesel CLI.

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::*;

    items (id) {
        id -> Bigint,
        #[max_length = 255]
        title -> Varchar,
        #[max_length = 64]
        category -> Varchar,
        meta -> Nullable<Json>,
        embedding -> Vector,
    }
}
