use super::*;

#[test]
fn tags_are_read_with_their_attributes_in_any_case() {
    let tag = Tag::parse(" #Affected +IDPs+f ").unwrap();
    assert_eq!(tag.hashtag, "affected");
    assert_eq!(tag.attributes, ["idps", "f"]);
    assert!(tag.has("idps") && !tag.has("m"));
    assert_eq!(tag.text(), "#affected+idps+f");
    assert!(tag.same_as(&Tag::parse("#affected+f+idps").unwrap()));
    assert!(!tag.same_as(&Tag::parse("#affected+idps").unwrap()));
    for not_a_tag in ["affected", "#", "#1st", "#adm1+", "#adm1 name", ""] {
        assert_eq!(Tag::parse(not_a_tag), None, "{not_a_tag:?}");
    }
}

#[test]
fn a_hashtag_row_has_only_tags_and_blanks() {
    assert!(is_tag_row(["#adm1+name", "", "#affected+idps"]));
    assert!(!is_tag_row(["#adm1+name", "Idleb"]));
    assert!(!is_tag_row(["", " "]));
}

fn table(text: &str) -> Table {
    Table::parse(text.as_bytes(), &mut Vec::new()).unwrap()
}

#[test]
fn the_tags_are_found_under_the_header_or_as_the_header() {
    let under = table("Place,IDPs\n#adm1+name,#affected+idps\nIdleb,10\n");
    let hxl = HxlTable::find(&under).unwrap();
    assert_eq!(hxl.tag_line, 2);
    assert_eq!(hxl.rows.len(), 1);
    assert_eq!(hxl.columns[1].header, "IDPs");
    assert_eq!(
        hxl.columns[1].describe(),
        "column 2 (\"IDPs\", #affected+idps)"
    );
    let header = table("#adm1+name,#affected+idps\nIdleb,10\n");
    let hxl = HxlTable::find(&header).unwrap();
    assert_eq!(hxl.tag_line, 1);
    assert_eq!(hxl.rows.len(), 1);
    assert_eq!(hxl.columns[0].key(), "#adm1+name");
    assert!(HxlTable::find(&table("Place,IDPs\nIdleb,10\n")).is_none());
}

#[test]
fn what_a_table_is_comes_from_its_tags() {
    let kind = |text: &str| {
        let table = table(text);
        read::read(
            &table,
            "t.csv",
            &crate::import::gazetteer::Gazetteer::bundled(),
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            &mut Vec::new(),
        )
        .map(|(kind, _)| kind)
    };
    assert_eq!(
        kind("a,b,c\n#adm1+name+origin,#adm1+name+dest,#affected\nHoms,Idleb,5\n"),
        Ok(read::HxlKind::Flows)
    );
    assert_eq!(
        kind("a,b\n#adm1+code,#population+refugees\nSY07,5\n"),
        Ok(read::HxlKind::Stocks)
    );
    assert_eq!(
        kind("a,b,c\n#date,#adm1+name,#affected+killed\n2017-05-01,Idleb,5\n"),
        Ok(read::HxlKind::Events)
    );
    assert_eq!(
        kind("a,b,c\n#date,#adm1+name,#event+type\n2017-05-01,Idleb,clashes\n"),
        Ok(read::HxlKind::Events)
    );
    assert!(kind("a\n#sector\nHealth\n").is_err());
}
