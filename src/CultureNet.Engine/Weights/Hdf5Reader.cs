using System.Numerics;
using PureHDF;
using PureHDF.VOL.Native;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Weights;

/// <summary>
/// An HDF5 file (on disk, or a stream such as a .keras archive's model.weights.h5) opened for reading Keras files
/// through PureHDF. Every PureHDF failure — NotSupportedException for features it lacks, IO errors from links
/// to other files, format errors — becomes one <see cref="CultureNetException"/> naming the file and the object.
/// A dataset is read only after its declared size was found to fit in the file, so a file declaring a
/// (8, 2·10⁹) dataset is an error, not a 64 GB allocation.
/// </summary>
internal sealed class Hdf5Reader : IDisposable
{
    private readonly NativeFile _file;

    private Hdf5Reader(NativeFile file, string source, long byteLength)
    {
        _file = file;
        Source = source;
        ByteLength = byteLength;
    }

    /// <summary>The file name used in messages (e.g. "m.keras:model.weights.h5").</summary>
    public string Source { get; }

    /// <summary>Said wherever a member is missing: PureHDF lists no external links, and we never open them by name.</summary>
    public const string NotFollowed = "links to other files are not followed";
    public long ByteLength { get; }
    public IH5Group Root => _file;

    public static Hdf5Reader Open(string path)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        long length = new FileInfo(path).Length;
        return new Hdf5Reader(Opening(path, () => H5File.OpenRead(path)), path, length);
    }

    /// <summary>
    /// Opens <paramref name="path"/> and runs <paramref name="read"/> under <see cref="BoundedWork"/>: PureHDF follows
    /// the offsets a file declares, so a damaged file can send it round a cycle for ever, allocating as it goes; here
    /// that ends after 30 s or 64 bytes per file byte (+64 MB) with one error naming the file. Measured: reading a
    /// GenNet .h5 allocates about 1× its length stored, 3× chunked and gzipped; a 200-layer .keras 7 MB; the small fuzz
    /// seeds under 0.4 MB. Only the reading thread's allocations count (other threads' work beside it does not). The
    /// constant leaves room for PureHDF's fixed costs; it is not larger because fuzzed 1.4 kB files on which PureHDF
    /// allocates slowly without end took seconds to reach +256 MB (AFL counted them as hangs). A length PureHDF allocates before
    /// checking it (a damaged name length asks for up to 2 GB) fails as one error too.
    /// </summary>
    public static T Read<T>(string path, Func<Hdf5Reader, T> read)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        return Bounded(path, new FileInfo(path).Length, () =>
        {
            using var h5 = Open(path);
            return read(h5);
        });
    }

    /// <summary><see cref="Read{T}(string, Func{Hdf5Reader, T})"/> over a readable, seekable stream (the reader owns it).</summary>
    public static T Read<T>(Stream stream, string source, Func<Hdf5Reader, T> read) => Bounded(source, stream.Length, () =>
    {
        using var h5 = Open(stream, source);
        return read(h5);
    });

    private static T Bounded<T>(string source, long length, Func<T> read)
    {
        try
        {
            return BoundedWork.Run(read, source, allocationBudget: 64 * length + (64L << 20), deadline: TimeSpan.FromSeconds(30));
        }
        catch (OutOfMemoryException e)
        {
            // That one allocation failed and nothing was consumed: the file declares more than it can hold.
            throw new CultureNetException($"{source}: not a readable HDF5 file: it declares a structure larger than the memory available (a corrupt length field)", e);
        }
    }

    /// <summary>Opens a readable, seekable stream; the reader owns it.</summary>
    public static Hdf5Reader Open(Stream stream, string source) =>
        new(Opening(source, () => H5File.Open(stream, leaveOpen: false)), source, stream.Length);

    private static NativeFile Opening(string source, Func<NativeFile> open)
    {
        try { return open(); }
        catch (Exception e) when (e is not CultureNetException and not OutOfMemoryException)
        {
            throw new CultureNetException($"{source}: not a readable HDF5 file ({e.Message})", e);
        }
    }

    /// <summary>Runs a PureHDF call; its failures name the file and <paramref name="what"/>.</summary>
    public T Guard<T>(string what, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is not CultureNetException and not OutOfMemoryException)
        {
            throw new CultureNetException($"{Source}: cannot read {what} ({e.GetType().Name}: {e.Message})", e);
        }
    }

    public bool HasAttribute(IH5Object owner, string name) => Guard($"attribute '{name}' of '{owner.Name}'", () => owner.AttributeExists(name));

    public bool HasLink(IH5Group group, string path) => Guard($"'{Join(group, path)}'", () => group.LinkExists(path));

    /// <summary>A member group; like datasets, only members this file lists are opened (never an external link).</summary>
    public IH5Group Group(IH5Group parent, string path)
    {
        var group = parent;
        foreach (var part in path.Split('/'))
        {
            if (!ChildNames(group).Contains(part))
                throw new CultureNetException($"{Source}: group '{Join(parent, path)}' is missing from the file ({NotFollowed})");
            var current = group;
            group = Guard($"group '{Join(parent, path)}'", () => current.Group(part));
        }
        return group;
    }

    /// <summary>The member names of a group, listed once per group object: every lookup checks its name against them, and
    /// listing anew each time made reading a model of n layers allocate in proportion to n² (65 MB for 200 layers).</summary>
    public IReadOnlyList<string> ChildNames(IH5Group group)
    {
        if (_children.TryGetValue(group, out var names)) return names;
        names = Guard($"the members of '{group.Name}'", () => group.Children().Select(c => c.Name).ToList());
        _children[group] = names;
        return names;
    }

    private readonly Dictionary<IH5Group, IReadOnlyList<string>> _children = new(ReferenceEqualityComparer.Instance);

    /// <summary>A string attribute (fixed- or variable-length, scalar or one-element array); null when absent.</summary>
    public string? Text(IH5Object owner, string name)
    {
        if (!HasAttribute(owner, name)) return null;
        var values = Strings(owner, name);
        return values.Length == 1 ? values[0] : throw new CultureNetException($"{Source}: attribute '{name}' of '{owner.Name}' holds {values.Length} strings; expected one");
    }

    /// <summary>A string-array attribute, as Keras writes layer_names and weight_names (NUL padding removed).</summary>
    public string[] Strings(IH5Object owner, string name) => Guard($"attribute '{name}' of '{owner.Name}'", () =>
    {
        var attribute = owner.Attribute(name);
        if (attribute.Type.Class != H5DataTypeClass.String && attribute.Type.Class != H5DataTypeClass.VariableLength)
            throw new CultureNetException($"{Source}: attribute '{name}' of '{owner.Name}' is {attribute.Type.Class}; expected strings");
        // PureHDF allocates what the attribute declares before reading it: a damaged dimension must not become that allocation.
        var declared = attribute.Space.Dimensions.Aggregate(BigInteger.One, (a, d) => a * d) * Math.Max(attribute.Type.Size, 1);
        if (declared > ByteLength)
            throw new CultureNetException(
                $"{Source}: attribute '{name}' of '{owner.Name}' declares shape ({string.Join(", ", attribute.Space.Dimensions)}) of {attribute.Type.Size}-byte strings, more than the whole file's {ByteLength} bytes; the file is corrupt");
        var values = attribute.Space.Rank == 0 ? [attribute.Read<string>()] : attribute.Read<string[]>();
        return values.Select(v => v.TrimEnd('\0')).ToArray();
    });

    /// <summary>
    /// A float dataset as float32 (float64 rounded to nearest), with its dimensions. <paramref name="name"/> may be a
    /// path ("dense_1/kernel:0"); each step must be a member of this file — PureHDF would follow an external link into
    /// another file, which Keras refuses too.
    /// </summary>
    public (float[] Values, ulong[] Dims) Floats(IH5Group group, string name)
    {
        string path = Join(group, name);
        var parts = name.Split('/');
        var parent = group;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!ChildNames(parent).Contains(parts[i]))
                throw new CultureNetException($"{Source}: dataset '{path}' is missing from the file ({NotFollowed})");
            if (i < parts.Length - 1) parent = Group(parent, parts[i]);
        }
        var dataset = Guard($"dataset '{path}'", () => parent.Dataset(parts[^1]));
        var (dims, type, size) = Guard($"dataset '{path}'", () => (dataset.Space.Dimensions, dataset.Type.Class, dataset.Type.Size));
        if (type != H5DataTypeClass.FloatingPoint || size is not (4 or 8))
            throw new CultureNetException($"{Source}: dataset '{path}' holds {type} of {size} bytes; expected float32 (or float64) weights");
        var declared = dims.Aggregate(BigInteger.One, (a, d) => a * d) * size;
        if (declared > ByteLength)
            throw new CultureNetException(
                $"{Source}: dataset '{path}' declares shape ({string.Join(", ", dims)}) of {size}-byte floats = {declared} bytes, more than the whole file's {ByteLength}; refusing to read it");
        float[] values = Guard($"dataset '{path}'", () => size == 4
            ? dataset.Read<float[]>()
            : Array.ConvertAll(dataset.Read<double[]>(), v => (float)v));
        var count = dims.Aggregate(BigInteger.One, (a, d) => a * d);
        if (values.Length != count)
            throw new CultureNetException($"{Source}: dataset '{path}' declares {count} values but holds {values.Length}");
        return (values, dims);
    }

    private static string Join(IH5Group group, string path) => group.Name is "/" or "" ? "/" + path : $"{group.Name}/{path}";

    public void Dispose() => _file.Dispose();
}
