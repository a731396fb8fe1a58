//! Reading and writing one TCP stream from two tasks at once.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use futures_lite::future;
use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{TcpListener, TcpStream};
use support::Driver;

/// Bytes sent each way: far more than the socket buffers hold, so both
/// halves block in turn while the other is busy.
const BYTES: usize = 8 * 1024 * 1024;

/// A connected pair (client, server).
async fn connected() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// Sends `BYTES` and receives `BYTES` on the halves of `stream`, from two
/// threads (two "tasks" that block independently).
fn both_ways_on_two_threads(driver: &Driver, stream: TcpStream) {
    let (mut reader, mut writer) = stream.into_split();
    let write = driver.spawn(async move {
        writer.write_all(&vec![1; BYTES]).await.unwrap();
        writer.shutdown().await.unwrap();
    });
    let read = driver.spawn(async move {
        let mut received = Vec::new();
        reader.read_to_end(&mut received).await.unwrap();
        received.len()
    });
    write.join().unwrap();
    assert_eq!(read.join().unwrap(), BYTES);
}

#[test]
fn owned_halves_on_two_threads() {
    let driver = Driver::new();
    let (client, server) = driver.block_on(connected());
    let peer = driver.spawn(async move {
        let (mut reader, mut writer) = server.into_split();
        let send = async {
            writer.write_all(&vec![2; BYTES]).await.unwrap();
            writer.shutdown().await.unwrap();
        };
        let receive = async {
            let mut received = Vec::new();
            reader.read_to_end(&mut received).await.unwrap();
            received.len()
        };
        future::zip(send, receive).await.1
    });
    both_ways_on_two_threads(&driver, client);
    assert_eq!(peer.join().unwrap(), BYTES);
}

/// `split` (borrowed halves) used by four futures of one task.
#[test]
fn borrowed_halves_in_one_task() {
    let driver = Driver::new();
    driver.block_on(async {
        let (mut client, mut server) = connected().await;
        let (mut client_reader, mut client_writer) = client.split();
        let (mut server_reader, mut server_writer) = server.split();
        assert_eq!(
            client_reader.peer_addr().unwrap(),
            server_writer.local_addr().unwrap()
        );
        let client_send = async {
            client_writer.write_all(&vec![3; BYTES]).await.unwrap();
            client_writer.shutdown().await.unwrap();
        };
        let server_send = async {
            server_writer.write_all(&vec![4; BYTES]).await.unwrap();
            server_writer.shutdown().await.unwrap();
        };
        let client_receive = async {
            let mut received = Vec::new();
            client_reader.read_to_end(&mut received).await.unwrap();
            received
        };
        let server_receive = async {
            let mut received = Vec::new();
            server_reader.read_to_end(&mut received).await.unwrap();
            received
        };
        let ((at_client, at_server), ((), ())) = future::zip(
            future::zip(client_receive, server_receive),
            future::zip(client_send, server_send),
        )
        .await;
        assert!(at_client.len() == BYTES && at_client.iter().all(|&b| b == 4));
        assert!(at_server.len() == BYTES && at_server.iter().all(|&b| b == 3));
    });
}

#[test]
fn dropping_the_owned_write_half_shuts_down_and_reunite_does_not() {
    let driver = Driver::new();
    driver.block_on(async {
        let (client, mut server) = connected().await;
        let (reader, writer) = client.into_split();
        let client = reader.reunite(writer).unwrap();
        let (reader, writer) = client.into_split();
        drop(writer);
        let mut rest = Vec::new();
        assert_eq!(server.read_to_end(&mut rest).await.unwrap(), 0);
        // The read half still works.
        server.write_all(b"after").await.unwrap();
        let mut reader = reader;
        let mut buf = [0; 5];
        reader.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"after");

        let (other, _server2) = connected().await;
        let (_, other_writer) = other.into_split();
        assert!(reader.reunite(other_writer).is_err());
    });
}
