using Switchboard.Templates;

namespace Switchboard.Tests.Templates;

/// <summary>Compiles and renders templates in tests, failing with the compile error when there is one.</summary>
internal static class TemplateAssert
{
    public static MappingTemplate Compile(string text)
    {
        Assert.True(MappingTemplate.TryCompile(text, out var template, out var error), error?.ToString());
        return template!;
    }

    public static string Render(string text, TemplateInput? input = null) => Compile(text).Render(input ?? new TemplateInput());

    public static TemplateError CompileError(string text)
    {
        Assert.False(MappingTemplate.TryCompile(text, out var template, out var error));
        Assert.Null(template);
        return error!;
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Pairs(params (string Key, string Value)[] pairs) =>
        [.. pairs.Select(p => KeyValuePair.Create(p.Key, p.Value))];
}
