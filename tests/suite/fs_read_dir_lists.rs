//! `fs::read_dir` lists exactly what the directory holds, each entry once,
//! across the batches it fetches them in; `DirEntry` tells names, paths,
//! types and metadata.

use crate::io_support;

use std::collections::BTreeSet;
use std::time::Duration;

use io_support::{runtime, watchdog, TempDir};

#[test]
fn read_dir_lists_what_was_created() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            // More entries than one batch holds.
            let mut made = BTreeSet::new();
            for i in 0..100 {
                let name = format!("file-{i:03}");
                rt::fs::write(dir.join(&name), vec![0; i]).await.unwrap();
                made.insert(name);
            }
            rt::fs::create_dir(dir.join("sub")).await.unwrap();
            made.insert("sub".to_owned());

            let mut listed = BTreeSet::new();
            let mut entries = rt::fs::read_dir(dir.path()).await.unwrap();
            while let Some(entry) = entries.next_entry().await.unwrap() {
                let name = entry.file_name().into_string().unwrap();
                assert_eq!(entry.path(), dir.join(&name));
                let is_dir = entry.file_type().await.unwrap().is_dir();
                assert_eq!(is_dir, name == "sub");
                if let Some(i) = name.strip_prefix("file-") {
                    let len = entry.metadata().await.unwrap().len();
                    assert_eq!(len, i.parse::<u64>().unwrap());
                }
                assert!(listed.insert(name), "an entry listed twice");
            }
            assert_eq!(listed, made);
            // Done stays done.
            assert!(entries.next_entry().await.unwrap().is_none());
        })
    });
}

#[test]
fn read_dir_of_a_missing_directory_is_not_found() {
    runtime(1).block_on(async {
        let dir = TempDir::new("fs");
        let err = rt::fs::read_dir(dir.join("missing")).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    });
}
