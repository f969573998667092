import io

from app.batch.progress import ProgressBar, format_duration


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_bar_shows_rate_and_time_left():
    clock, stream = Clock(), io.StringIO()
    bar = ProgressBar(10, label="render", stream=stream, width=10, interval=0, clock=clock)
    clock.now += 30.0
    bar.advance(2)
    assert stream.getvalue().splitlines()[-1] == (
        "render [##........] 2/10 4.0 img/min elapsed 0:30 left 2:00")
    clock.now += 90.0
    bar.advance(8, failed=True)
    assert stream.getvalue().splitlines()[-1] == (
        "render [##########] 10/10 5.0 img/min elapsed 2:00 left 0:00 8 failed")


def test_a_pipe_gets_a_line_at_most_every_interval():
    clock, stream = Clock(), io.StringIO()
    bar = ProgressBar(100, stream=stream, interval=5.0, clock=clock)
    for _ in range(99):
        clock.now += 0.1
        bar.advance()
    assert len(stream.getvalue().splitlines()) == 2  # the first item, then after 5 s
    bar.advance()
    assert stream.getvalue().splitlines()[-1].startswith("[" + "#" * 30 + "] 100/100")
    assert format_duration(3725) == "1:02:05"
