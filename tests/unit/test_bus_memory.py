import threading

import pytest

from satmon.bus.memory import BusFullError, InProcessBus

pytestmark = pytest.mark.unit


def test_each_group_reads_every_message_in_order():
    bus = InProcessBus()
    a, b = bus.consumer("a", ["t"]), bus.consumer("b", ["t"])
    producer = bus.producer()
    for i in range(5):
        producer.send("t", str(i).encode(), key=b"SAT-001")
    assert [m.value for m in a.poll(100, 0.1)] == [b"0", b"1", b"2", b"3", b"4"]
    assert [m.offset for m in b.poll(2, 0.1)] == [0, 1]


def test_uncommitted_messages_are_delivered_again_to_the_next_member():
    bus = InProcessBus()
    first = bus.consumer("g", ["t"])
    producer = bus.producer()
    for i in range(4):
        producer.send("t", str(i).encode())
    batch = first.poll(4, 0.1)
    first.commit(batch[:2])
    first.close()
    second = bus.consumer("g", ["t"])
    assert [m.value for m in second.poll(10, 0.1)] == [b"2", b"3"]


def test_one_key_stays_in_one_partition():
    bus = InProcessBus(partitions=4)
    consumer = bus.consumer("g", ["t"])
    producer = bus.producer()
    for i in range(20):
        producer.send("t", str(i).encode(), key=b"SAT-007")
    messages = consumer.poll(100, 0.1)
    assert len({m.partition for m in messages}) == 1
    assert [m.value for m in messages] == [str(i).encode() for i in range(20)]


def test_committed_messages_are_released_and_lag_counts_the_rest():
    bus = InProcessBus()
    consumer = bus.consumer("g", ["t"])
    producer = bus.producer()
    for i in range(10):
        producer.send("t", str(i).encode())
    assert bus.lag("g", "t") == 10
    consumer.commit(consumer.poll(6, 0.1))
    assert bus.lag("g", "t") == 4


def test_a_slow_group_holds_back_the_producer_until_it_commits():
    bus = InProcessBus(max_pending=3)
    consumer = bus.consumer("g", ["t"])
    producer = bus.producer()
    for i in range(3):
        producer.send("t", str(i).encode())
    sent = threading.Event()

    def send_fourth() -> None:
        producer.send("t", b"3")
        sent.set()

    thread = threading.Thread(target=send_fourth)
    thread.start()
    assert not sent.wait(0.2)
    consumer.commit(consumer.poll(1, 0.1))
    assert sent.wait(2.0)
    thread.join()


def test_the_producer_gives_up_with_a_clear_error():
    bus = InProcessBus(max_pending=1)
    bus.consumer("g", ["t"])
    producer = bus.producer()
    producer._send_timeout_s = 0.05
    producer.send("t", b"0")
    with pytest.raises(BusFullError, match="unconsumed"):
        producer.send("t", b"1")


def test_a_second_consumer_in_one_group_is_refused():
    bus = InProcessBus()
    bus.consumer("g", ["t"])
    with pytest.raises(ValueError, match="one consumer per group"):
        bus.consumer("g", ["t"])


def test_poll_waits_for_a_message():
    bus = InProcessBus()
    consumer = bus.consumer("g", ["t"])
    timer = threading.Timer(0.05, lambda: bus.producer().send("t", b"late"))
    timer.start()
    assert [m.value for m in consumer.poll(10, 2.0)] == [b"late"]
    timer.join()
