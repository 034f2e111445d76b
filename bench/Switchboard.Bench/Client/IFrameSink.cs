namespace Switchboard.Bench.Client;

/// <summary>Receives each complete data message of a connection, on its receive loop; the span is valid only during the call.</summary>
internal interface IFrameSink
{
    void OnFrame(ReadOnlySpan<byte> payload, bool isText);
}

/// <summary>Receives the application messages a protocol decoded from frames (the seed's text, a SignalR argument).</summary>
internal interface IMessageSink
{
    void OnMessage(ReadOnlySpan<byte> text);
}

/// <summary>Counts messages and ignores them: idle connections, publishers' own receipts.</summary>
internal sealed class CountingSink : IMessageSink
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public void OnMessage(ReadOnlySpan<byte> text) => Volatile.Write(ref _count, _count + 1);
}
