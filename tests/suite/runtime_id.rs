//! A runtime's id is the same through every handle of it and differs from
//! every other runtime's, even one built after it shut down; its name is
//! the builder's, and an empty name is refused.

use std::collections::HashSet;

use rt::runtime::{Builder, Handle, Runtime};

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .expect("build the runtime")
}

#[test]
fn every_handle_of_a_runtime_gives_its_id() {
    let rt = runtime();
    let id = rt.handle().id();
    assert_eq!(rt.handle().clone().id(), id);
    assert_eq!(rt.block_on(async { Handle::current().id() }), id);
    let from_task = rt.block_on(rt.spawn(async { Handle::current().id() }));
    assert_eq!(from_task.unwrap(), id);
}

#[test]
fn no_two_runtimes_share_an_id() {
    let mut seen = HashSet::new();
    for _ in 0..8 {
        let rt = runtime();
        assert!(seen.insert(rt.handle().id()), "id reused");
        drop(rt); // the next one is built after this one is gone
    }
    let both = (runtime(), runtime());
    assert_ne!(both.0.handle().id(), both.1.handle().id());
    assert_eq!(
        both.0.handle().id().to_string(),
        format!("{}", both.0.handle().id())
    );
}

#[test]
fn the_name_is_the_builders() {
    let named = Builder::new_multi_thread()
        .worker_threads(1)
        .name("ingest")
        .build()
        .unwrap();
    assert_eq!(named.handle().name(), Some("ingest"));
    assert_eq!(runtime().handle().name(), None);
}

#[test]
#[should_panic(expected = "name cannot be empty")]
fn an_empty_name_is_refused() {
    Builder::new_multi_thread().name("  ");
}
