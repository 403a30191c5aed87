use super::*;

/// Every record of `text` cut into chunks of `size`: (line, cells) and the warnings.
fn records_in_chunks(text: &[u8], size: usize) -> (Vec<(usize, Vec<String>)>, Vec<String>) {
    let mut reader = ChunkReader::with_sizes(text, size, 1 << 20);
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    while let Some(chunk) = reader.next_chunk().expect("no error") {
        read_records(&chunk, &mut warnings, |record| {
            records.push((record.line, record.cells().map(str::to_owned).collect()));
            true
        })
        .expect("records");
    }
    let warnings = warnings.iter().map(ToString::to_string).collect();
    (records, warnings)
}

/// Texts of every shape a table takes: quoted line breaks and separators, escaped quotes,
/// CRLF and lone CRs, a byte-order mark, blank lines, a quote inside an unquoted field, a last line
/// without its line break, and a row that is not UTF-8.
fn shapes() -> Vec<Vec<u8>> {
    let mut latin1 = b"a,b\n1,caf".to_vec();
    latin1.extend([0xE9, b'\n']);
    latin1.extend(b"2,ok\n");
    vec![
        b"a,b\n1,2\n3,4\n".to_vec(),
        b"a,b\r\n1,\"two\r\nlines\"\r\n\r\n3,\"x,\"\"y\"\"\"\r\n".to_vec(),
        b"\xEF\xBB\xBFa,b\n\n\n1,\"\n\n\"\n2,3".to_vec(),
        b"a,b\n1,ab\"c\n2,\"d\"\"\n\"\n3,4\n".to_vec(),
        b"a,b,c\n\"\",\"\"\"\",\n,,\nx,\"y\"z,w\n".to_vec(),
        latin1,
        b"\xEF\xBB\xBF\"a\",b\n\"1\n\",2\n".to_vec(),
        // A lone CR ends a record, so a quote after it opens a field; so does one after a
        // quoted field's closing quote and a comma; a quote after other text is plain.
        b"a,b\r\"1\n\",2\r3,\"x\ny\"\n\"p\"q,\"r\ns\"\nt\"u,\"v\nw\"\n".to_vec(),
    ]
}

#[test]
fn chunks_of_every_size_read_as_the_whole_text() {
    for text in shapes() {
        let (whole, whole_warnings) = records_in_chunks(&text, text.len() + 1);
        assert!(!whole.is_empty());
        for size in 1..=text.len() {
            let (cut, warnings) = records_in_chunks(&text, size);
            let shown = String::from_utf8_lossy(&text);
            assert_eq!(cut, whole, "chunks of {size} of {shown:?}");
            assert_eq!(warnings, whole_warnings, "chunks of {size} of {shown:?}");
        }
    }
}

#[test]
fn records_keep_their_lines_and_a_row_that_is_not_utf8_is_located() {
    let (records, warnings) = records_in_chunks(&shapes()[5], 4);
    assert_eq!(records, [(3, vec!["2".to_owned(), "ok".to_owned()])]);
    assert_eq!(
        warnings,
        [
            "2: warning: cell 2 is not UTF-8 text (byte 4 of the cell); the row is left out: save \
          the file as UTF-8"
        ]
    );
    let (records, _) = records_in_chunks(&shapes()[2], 3);
    let lines: Vec<usize> = records.iter().map(|r| r.0).collect();
    assert_eq!(lines, [4, 7]);
}

/// A closing quote missing on one line, the next row's opening quote closing it: the two rows
/// read as one, and a warning says so where it happened. A cell that only spans lines does not.
#[test]
fn rows_read_as_one_for_a_missing_quote_are_warned_about() {
    let text = b"id,date,place,a,b,c,d,e,notes,n\n\
        1,2020-01-01,x,1,2,3,4,5,\"one, two,3\n\
        2,2020-01-02,y,1,2,3,4,5,\"three\",4\n\
        3,2020-01-03,z,1,2,3,4,5,\"four\nlines, here\",5\n";
    let (records, warnings) = records_in_chunks(text, text.len() + 1);
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(
        warnings,
        [
            "2: warning: cell 9 holds a line break followed by what looks like another row: a \
          closing quote is probably missing on this line, and the rows after it were read into \
          this one"
        ]
    );
}

#[test]
fn an_unclosed_quote_is_located_instead_of_reading_the_rest_as_one_record() {
    let mut text = b"a,b\n1,2\n3,\"never closed\n".to_vec();
    for _ in 0..1000 {
        text.extend(b"5,6\n");
    }
    let mut reader = ChunkReader::with_sizes(&text[..], 16, 256);
    let error = loop {
        match reader.next_chunk() {
            Ok(Some(_)) => {}
            Ok(None) => panic!("read to the end"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(error, ChunkError::UnclosedQuote { line: 3 }),
        "{error:?}"
    );
}
