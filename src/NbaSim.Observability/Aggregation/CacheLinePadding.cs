using System.Runtime.InteropServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>
/// 112 bytes of nothing, as a field of an object that one thread writes on every sample (its cell, its "inside" flag):
/// two such objects allocated side by side then keep their written fields on different cache lines (64 B, and the
/// adjacent-line prefetcher pairs lines), so threads recording in parallel do not take a line from each other.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 112)]
internal struct CacheLinePadding;
