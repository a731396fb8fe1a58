//! `rt::fs`'s free functions behave as std's (they run std's calls on the
//! blocking pool): `read_to_string` of bytes that are not UTF-8 is
//! `InvalidData`; directories, links, copies and renames; and through a
//! handle whose runtime is gone they fail with an error, not a panic.

use crate::io_support;

use std::io::ErrorKind;
use std::time::Duration;

use io_support::{runtime, watchdog, TempDir};

#[test]
fn read_to_string_of_invalid_utf8_is_invalid_data() {
    runtime(1).block_on(async {
        let dir = TempDir::new("fs");
        rt::fs::write(dir.join("bad"), [b'o', b'k', 0xff, 0xfe])
            .await
            .unwrap();
        let err = rt::fs::read_to_string(dir.join("bad")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        // The bytes are there all the same.
        assert_eq!(
            rt::fs::read(dir.join("bad")).await.unwrap(),
            [b'o', b'k', 0xff, 0xfe]
        );
    });
}

#[test]
fn write_then_read_back() {
    runtime(2).block_on(async {
        let dir = TempDir::new("fs");
        rt::fs::write(dir.join("a"), "one").await.unwrap();
        assert_eq!(rt::fs::read_to_string(dir.join("a")).await.unwrap(), "one");
        rt::fs::write(dir.join("a"), "2").await.unwrap(); // truncates
        assert_eq!(rt::fs::read_to_string(dir.join("a")).await.unwrap(), "2");
    });
}

#[test]
fn directories_links_copies_renames() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let dir = TempDir::new("fs");
            let deep = dir.join("a/b/c");
            rt::fs::create_dir_all(&deep).await.unwrap();
            rt::fs::create_dir_all(&deep).await.unwrap(); // exists: fine
            let err = rt::fs::create_dir(&deep).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlreadyExists);
            assert!(rt::fs::metadata(&deep).await.unwrap().is_dir());

            let file = deep.join("f");
            rt::fs::write(&file, "data").await.unwrap();
            assert_eq!(rt::fs::copy(&file, dir.join("copy")).await.unwrap(), 4);
            rt::fs::rename(dir.join("copy"), dir.join("moved"))
                .await
                .unwrap();
            assert!(!rt::fs::try_exists(dir.join("copy")).await.unwrap());
            assert_eq!(rt::fs::read(dir.join("moved")).await.unwrap(), b"data");

            rt::fs::hard_link(&file, dir.join("hard")).await.unwrap();
            rt::fs::symlink(&file, dir.join("soft")).await.unwrap();
            assert_eq!(rt::fs::read_link(dir.join("soft")).await.unwrap(), file);
            assert!(rt::fs::symlink_metadata(dir.join("soft"))
                .await
                .unwrap()
                .is_symlink());
            assert_eq!(
                rt::fs::canonicalize(dir.join("soft")).await.unwrap(),
                rt::fs::canonicalize(&file).await.unwrap()
            );

            let err = rt::fs::remove_dir(dir.join("a")).await.unwrap_err();
            assert_ne!(err.kind(), ErrorKind::NotFound); // not empty
            rt::fs::remove_dir_all(dir.join("a")).await.unwrap();
            assert!(!rt::fs::try_exists(dir.join("a")).await.unwrap());
            // The hard link keeps the data; the symbolic link dangles.
            assert_eq!(rt::fs::read(dir.join("hard")).await.unwrap(), b"data");
            assert!(!rt::fs::try_exists(dir.join("soft")).await.unwrap());
            rt::fs::remove_file(dir.join("soft")).await.unwrap();
        })
    });
}

#[test]
fn through_a_handle_of_a_dropped_runtime_fs_fails_with_an_error() {
    watchdog(Duration::from_secs(60), || {
        let runtime = runtime(1);
        let handle = runtime.handle().clone();
        drop(runtime);
        let dir = TempDir::new("fs");
        let result = handle.block_on(rt::fs::write(dir.join("never"), "x"));
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        assert!(!dir.join("never").exists());
        let err = handle.block_on(rt::fs::read_dir(dir.path())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
    });
}
