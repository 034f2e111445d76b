using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Switchboard.Connections;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// API Gateway's REST Lambda proxy event (payload format 1.0) for a method without a mapping template: resource,
/// path, method, headers and query string (single- and multi-value), path parameters, stage variables, the request
/// context and the body (base64 when it is not UTF-8 text).
/// </summary>
internal static class RestProxyEvent
{
    public static byte[] Write(RestInvocation invocation, string apiId, string requestId, DateTimeOffset now)
    {
        var request = invocation.Http.Request;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resource", invocation.ResourcePath);
            // The path below the stage, as API Gateway sends it (frameworks behind a proxy route on it); the full path
            // is requestContext.path.
            json.WriteString("path", invocation.Path);
            json.WriteString("httpMethod", request.Method);

            var headers = new List<KeyValuePair<string, string>>();
            foreach (var (name, values) in request.Headers)
            {
                foreach (var value in values)
                {
                    headers.Add(new(name, value ?? ""));
                }
            }

            WriteMapsOrNull(json, "headers", "multiValueHeaders", headers, StringComparer.OrdinalIgnoreCase, sort: true);
            WriteMapsOrNull(json, "queryStringParameters", "multiValueQueryStringParameters", QueryStrings.Parse(request.QueryString.HasValue ? request.QueryString.Value![1..] : ""), StringComparer.Ordinal, sort: false);
            WriteStringMapOrNull(json, "pathParameters", invocation.PathParameters);
            WriteStringMapOrNull(json, "stageVariables", invocation.StageVariables);

            json.WriteStartObject("requestContext");
            json.WriteString("resourcePath", invocation.ResourcePath);
            json.WriteString("httpMethod", request.Method);
            json.WriteString("extendedRequestId", requestId);
            json.WriteString("requestTime", WebSocketEvent.RequestTime(now));
            json.WriteString("path", request.Path.Value);
            json.WriteString("protocol", request.Protocol);
            json.WriteString("stage", invocation.Stage);
            json.WriteNumber("requestTimeEpoch", now.ToUnixTimeMilliseconds());
            json.WriteString("requestId", requestId);
            json.WriteStartObject("identity");
            json.WriteString("sourceIp", SourceAddresses.Format(invocation.Http.Connection.RemoteIpAddress));
            if (request.Headers.UserAgent.Count > 0)
            {
                json.WriteString("userAgent", request.Headers.UserAgent.ToString());
            }

            json.WriteEndObject();
            json.WriteString("domainName", request.Host.Value);
            json.WriteString("apiId", apiId);
            json.WriteEndObject();

            var body = invocation.Body.Span;
            if (body.IsEmpty)
            {
                json.WriteNull("body");
                json.WriteBoolean("isBase64Encoded", false);
            }
            else if (Utf8.IsValid(body))
            {
                json.WriteString("body", body);
                json.WriteBoolean("isBase64Encoded", false);
            }
            else
            {
                json.WriteBase64String("body", body);
                json.WriteBoolean("isBase64Encoded", true);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // API Gateway sends null, not {}, for a part the request does not have.
    private static void WriteMapsOrNull(Utf8JsonWriter json, string single, string multi, IReadOnlyList<KeyValuePair<string, string>> pairs, StringComparer comparer, bool sort)
    {
        if (pairs.Count == 0)
        {
            json.WriteNull(single);
            json.WriteNull(multi);
            return;
        }

        WebSocketEvent.WriteMultiMap(json, single, multi, pairs, comparer, sort);
    }

    private static void WriteStringMapOrNull(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }
}
