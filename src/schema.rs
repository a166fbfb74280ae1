// @generated automatically by Diesel CLI.

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::*;

    articles (id) {
        id -> Bigint,
        #[max_length = 255]
        title -> Varchar,
        body -> Text,
        embedding -> Vector,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::*;

    item_features (id) {
        id -> Bigint,
        item_id -> Bigint,
        terms -> Sparsevector,
        scores -> Nullable<Array>,
        tags -> Nullable<Array>,
        grid -> Nullable<Array>,
    }
}

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

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::*;

    tenant_events (id, tenant) {
        id -> Bigint,
        tenant -> Integer,
        #[max_length = 32]
        kind -> Varchar,
        embedding -> Vector,
    }
}

diesel::allow_tables_to_appear_in_same_query!(articles, item_features, items, tenant_events,);
