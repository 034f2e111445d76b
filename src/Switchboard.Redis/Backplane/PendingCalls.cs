using System.Collections.Concurrent;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// The calls this node has sent to other nodes and is waiting to hear back from, by request id. Bounded: past
/// <see cref="MaxInFlight"/> a new call is refused at once (the caller answers 503) rather than queued, so an outage
/// or a flood of management calls cannot grow it.
/// </summary>
internal sealed class PendingCalls
{
    public const int MaxInFlight = 10_000;

    private readonly ConcurrentDictionary<long, PendingCall> _calls = new();
    private long _lastId;

    public int Count => _calls.Count;

    /// <summary>A new call, registered before its request is published (an answer may arrive first); null when too many wait.</summary>
    public PendingCall? Begin()
    {
        if (_calls.Count >= MaxInFlight)
        {
            return null;
        }

        var call = new PendingCall(Interlocked.Increment(ref _lastId));
        _calls[call.Id] = call;
        return call;
    }

    public void End(PendingCall call) => _calls.TryRemove(call.Id, out _);

    /// <summary>Hands an answer to its call; an answer for a call that has ended (it timed out) is dropped.</summary>
    public void Answer(in BackplaneMessage reply)
    {
        if (_calls.TryGetValue(reply.RequestId, out var call))
        {
            call.Add(reply);
        }
    }
}

/// <summary>
/// One call waiting for answers: from one node (a request to the node holding a connection), or from every other live
/// node (a counted fan-out: done when each of those runs has answered; an answer from a run not expected, one that
/// started a moment ago, is counted too). Answers may arrive before what to expect is set.
/// </summary>
internal sealed class PendingCall(long id)
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = -1;
    private IReadOnlySet<string>? _expectedRuns;
    private readonly HashSet<string> _answeredRuns = new(StringComparer.Ordinal);
    private int _answers;
    private int _sum;
    private int _status;
    private ReadOnlyMemory<byte> _body;

    public long Id { get; } = id;

    /// <summary>Completes when every expected answer has arrived.</summary>
    public Task Done => _done.Task;

    /// <summary>The sum of the answers' numbers (recipient counts).</summary>
    public int Sum
    {
        get
        {
            lock (_lock)
            {
                return _sum;
            }
        }
    }

    /// <summary>The last answer's number and body (a request to one node has one answer).</summary>
    public (int Number, ReadOnlyMemory<byte> Body) Last
    {
        get
        {
            lock (_lock)
            {
                return (_status, _body);
            }
        }
    }

    /// <summary>Done after this many answers, from whichever runs.</summary>
    public void Expect(int answers)
    {
        lock (_lock)
        {
            _expected = answers;
            CompleteIfDone();
        }
    }

    /// <summary>Done when every one of these runs has answered.</summary>
    public void ExpectFrom(IReadOnlySet<string> runs)
    {
        lock (_lock)
        {
            _expectedRuns = runs;
            _expected = runs.Count;
            CompleteIfDone();
        }
    }

    /// <summary>The expected runs that have not answered (for the log of an incomplete send).</summary>
    public IReadOnlyList<string> Missing
    {
        get
        {
            lock (_lock)
            {
                return _expectedRuns is null ? [] : [.. _expectedRuns.Where(run => !_answeredRuns.Contains(run))];
            }
        }
    }

    public void Add(in BackplaneMessage reply)
    {
        lock (_lock)
        {
            if (!_answeredRuns.Add(reply.OriginRunId))
            {
                // One answer per run: a duplicate delivery must not count twice.
                return;
            }

            _answers++;
            _sum += reply.Number;
            _status = reply.Number;
            _body = reply.Body;
            CompleteIfDone();
        }
    }

    private void CompleteIfDone()
    {
        var done = _expectedRuns is not null
            ? _expectedRuns.All(_answeredRuns.Contains)
            : _expected >= 0 && _answers >= _expected;
        if (done)
        {
            _done.TrySetResult();
        }
    }
}
