using System.Text;
using Switchboard.Authorizers;
using Switchboard.Delivery;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// A <see cref="ConnectionSnapshot"/> as bytes: in the connection directory (what a dead node's connection needs for its
/// <c>$disconnect</c>) and in answers to a description request. Times as Unix milliseconds.
/// </summary>
internal static class ConnectionSnapshotCodec
{
    private const byte Version = 1;

    public static byte[] Encode(ConnectionSnapshot snapshot)
    {
        using var stream = new MemoryStream(256);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(snapshot.ConnectionId);
            writer.Write(snapshot.Api);
            writer.Write(snapshot.Stage);
            writer.Write(snapshot.ConnectedAt.ToUnixTimeMilliseconds());
            writer.Write(snapshot.LastActiveAt.ToUnixTimeMilliseconds());
            writer.Write(snapshot.SourceIp);
            writer.Write(snapshot.UserAgent is not null);
            writer.Write(snapshot.UserAgent ?? "");
            writer.Write(snapshot.DomainName);
            writer.Write(snapshot.Identity is not null);
            if (snapshot.Identity is { } identity)
            {
                writer.Write(identity.PrincipalId);
                writer.Write(identity.Context.Count);
                foreach (var (key, value) in identity.Context)
                {
                    writer.Write(key);
                    writer.Write(value);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>The snapshot, or null for bytes that are not one (written by another version, or damaged).</summary>
    public static ConnectionSnapshot? Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadByte() != Version)
            {
                return null;
            }

            var id = reader.ReadString();
            var api = reader.ReadString();
            var stage = reader.ReadString();
            var connectedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var lastActiveAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var sourceIp = reader.ReadString();
            var hasUserAgent = reader.ReadBoolean();
            var userAgent = reader.ReadString();
            var domainName = reader.ReadString();
            ConnectionIdentity? identity = null;
            if (reader.ReadBoolean())
            {
                var principal = reader.ReadString();
                var count = reader.ReadInt32();
                if (count is < 0 or > 10_000)
                {
                    return null;
                }

                var context = new List<KeyValuePair<string, string>>(count);
                for (var i = 0; i < count; i++)
                {
                    context.Add(new(reader.ReadString(), reader.ReadString()));
                }

                identity = new ConnectionIdentity(principal, context);
            }

            return new ConnectionSnapshot(id, api, stage, connectedAt, lastActiveAt, sourceIp, hasUserAgent ? userAgent : null, domainName, identity);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            return null;
        }
    }
}
