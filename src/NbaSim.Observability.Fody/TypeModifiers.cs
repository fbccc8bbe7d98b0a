using Mono.Cecil;

namespace NbaSim.Observability.Fody;

/// <summary>
/// Custom modifiers hide a type's shape: an <c>init</c> accessor returns <c>void modreq(IsExternalInit)</c> and a
/// <c>ref readonly</c> return is <c>modreq(InAttribute) T&amp;</c>. Every type decision of the weaver looks through them here.
/// </summary>
internal static class TypeModifiers
{
    /// <summary>The type without its leading modreq/modopt wrappers (the signature's element stays as it is).</summary>
    public static TypeReference Strip(TypeReference type)
    {
        while (type is IModifierType modified)
        {
            type = modified.ElementType;
        }

        return type;
    }
}
