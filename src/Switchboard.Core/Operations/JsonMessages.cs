using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchboard.Operations;

/// <summary>API Gateway's error body shape, <c>{"message":"..."}</c>, with the text JSON-escaped (it may quote user input).</summary>
public static class JsonMessages
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static string Message(string text) => $"{{\"message\":\"{JsonEncodedText.Encode(text, Encoder)}\"}}";

    public const string Forbidden = "{\"message\":\"Forbidden\"}";
}
