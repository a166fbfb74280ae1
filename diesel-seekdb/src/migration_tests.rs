use super::*;
use crate::ddl::DropTable;

#[test]
fn version_is_derived_like_diesel_does() {
    let l = Label::parse("2026-11-25-000005_add_index").unwrap();
    assert_eq!(l.version, "20261125000005");
    assert_eq!(Label::parse("42_x").unwrap().version, "42");
    for bad in [
        "add_index",
        "2026-11-25",
        "2026-11-25_",
        "_x",
        "--_x",
        "2026a_x",
    ] {
        let e = Label::parse(bad).unwrap_err();
        assert!(
            matches!(&e, Error::Validation { parameter, .. } if parameter == "name"),
            "{bad}: {e}"
        );
    }
    assert!(Label::parse(&format!("{}_x", "1".repeat(51))).is_err());
}

#[test]
fn first_builder_error_is_kept_with_its_parameter() {
    let err = SchemaMigration::builder("1_x")
        .up(RawSql::new("SELECT 1"))
        .up(DropTable::new(""))
        .up(RawSql::new(""))
        .build()
        .unwrap_err();
    match err {
        Error::Validation { parameter, reason } => {
            assert_eq!(parameter, "table");
            assert!(reason.contains("up step 1"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(SchemaMigration::builder("1_x").build().is_err());
}

#[test]
fn duplicate_versions_are_refused() {
    let a = SchemaMigration::builder("01_a")
        .up(RawSql::new("SELECT 1"))
        .build()
        .unwrap();
    let b = SchemaMigration::builder("0-1_b")
        .up(RawSql::new("SELECT 1"))
        .build()
        .unwrap();
    let err = MigrationSet::new()
        .migration(a)
        .migration(b)
        .migrations()
        .err()
        .unwrap();
    assert!(err.to_string().contains("same version 01"), "{err}");
}

#[test]
fn migrations_do_not_claim_a_transaction() {
    let m = SchemaMigration::builder("1_a")
        .up(RawSql::new("SELECT 1"))
        .build()
        .unwrap();
    assert!(!Migration::<Mysql>::metadata(&m).run_in_transaction());
}
