namespace Switchboard.Templates;

/// <summary>A built-in object (<c>$input</c>, <c>$util</c>, <c>$foreach</c>) that answers its own properties and methods.</summary>
internal interface IVtlObject
{
    /// <returns>False when the object has no such property; the reference then renders as null.</returns>
    bool TryGetProperty(string name, RenderContext context, out object? value);

    /// <returns>False when the object has no such method.</returns>
    bool TryInvoke(string name, object?[] args, MethodCallExpr call, RenderContext context, out object? result);
}
