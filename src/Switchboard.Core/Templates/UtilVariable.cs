using System.Text;

namespace Switchboard.Templates;

/// <summary><c>$util</c>: API Gateway's helper functions. Stateless, so one instance serves every render.</summary>
internal sealed class UtilVariable : IVtlObject
{
    public static readonly UtilVariable Instance = new();

    private UtilVariable()
    {
    }

    public bool TryGetProperty(string name, RenderContext context, out object? value) => VtlMembers.NotFound(out value);

    public bool TryInvoke(string name, object?[] args, MethodCallExpr call, RenderContext context, out object? result)
    {
        if (args.Length != 1)
        {
            return VtlMembers.NotFound(out result);
        }

        // A null argument (an undefined reference) gives null rather than failing the request.
        var text = args[0] is null ? null : VtlValues.ToText(args[0]);
        result = name switch
        {
            "escapeJavaScript" => text is null ? null : JavaScriptEscaper.Escape(text),
            "urlEncode" => text is null ? null : FormUrlEncoding.Encode(text),
            "urlDecode" => text is null ? null : FormUrlEncoding.Decode(text),
            "base64Encode" => text is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
            "base64Decode" => text is null ? null : Base64Decode(text),
            "parseJson" => text is null ? null : ParseJson(text),
            _ => null,
        };
        return name is "escapeJavaScript" or "urlEncode" or "urlDecode" or "base64Encode" or "base64Decode" or "parseJson";
    }

    private static string Base64Decode(string text)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException ex)
        {
            throw new TemplateRenderException("$util.base64Decode: the argument is not valid base64", ex);
        }
    }

    private static object? ParseJson(string text)
    {
        using var document = JsonValues.TryParse(text)
            ?? throw new TemplateRenderException("$util.parseJson: the argument is not valid JSON");
        return JsonValues.ToValue(document.RootElement);
    }

    public override string ToString() => "$util";
}
