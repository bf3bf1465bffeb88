// ROOT side of the reading benchmark: reads branches of every entry either
// with a typed RDataFrame (one Aggregate per branch summing every value and,
// for arrays, their lengths) or with the classic SetBranchAddress/GetEntry
// loop, optionally with implicit multi-threading.
// Compiled optimised with ACLiC by root_read.py (`.L root_read.C+O`).

#include <ROOT/RDataFrame.hxx>
#include <ROOT/RVec.hxx>
#include <TFile.h>
#include <TLeaf.h>
#include <TROOT.h>
#include <TTree.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace hepkey_bench {

template <typename T>
double touch(const T &x) { return static_cast<double>(x); }

template <typename T>
double touch(const ROOT::RVec<T> &v)
{
   double s = static_cast<double>(v.size());
   for (const auto &x : v)
      s += static_cast<double>(x);
   return s;
}

template <typename T>
ROOT::RDF::RResultPtr<double> book(ROOT::RDF::RNode df, const std::string &column)
{
   return df.Aggregate([](double acc, const T &x) { return acc + touch(x); },
                       [](double a, double b) { return a + b; }, column, 0.0);
}

template <typename T>
ROOT::RDF::RResultPtr<double> book_scalar_or_array(ROOT::RDF::RNode df, const std::string &column, bool array)
{
   return array ? book<ROOT::RVec<T>>(df, column) : book<T>(df, column);
}

// The C++ type of a leaf, from its ROOT type name.
ROOT::RDF::RResultPtr<double> book_leaf(ROOT::RDF::RNode df, const std::string &column, const std::string &type,
                                        bool array)
{
   if (type == "Bool_t") return book_scalar_or_array<bool>(df, column, array);
   if (type == "Char_t") return book_scalar_or_array<Char_t>(df, column, array);
   if (type == "UChar_t") return book_scalar_or_array<UChar_t>(df, column, array);
   if (type == "Short_t") return book_scalar_or_array<Short_t>(df, column, array);
   if (type == "UShort_t") return book_scalar_or_array<UShort_t>(df, column, array);
   if (type == "Int_t") return book_scalar_or_array<Int_t>(df, column, array);
   if (type == "UInt_t") return book_scalar_or_array<UInt_t>(df, column, array);
   if (type == "Long64_t") return book_scalar_or_array<Long64_t>(df, column, array);
   if (type == "ULong64_t") return book_scalar_or_array<ULong64_t>(df, column, array);
   if (type == "Float_t") return book_scalar_or_array<Float_t>(df, column, array);
   if (type == "Double_t") return book_scalar_or_array<Double_t>(df, column, array);
   throw std::runtime_error("root_read: branch " + column + " has unsupported leaf type " + type);
}

struct Result {
   long long entries = 0;
   double seconds = 0;
   double checksum = 0;
   long long compressed_bytes = 0;
   long long uncompressed_bytes = 0;
};

// Reads `branches` (comma-separated) of every entry, or of the first
// `max_entries` when positive (single-threaded: RDataFrame's Range needs
// implicit MT off); times opening the file to the last result.
Result read(const std::string &file, const std::string &tree, const std::string &branches, int threads,
            long long max_entries = 0)
{
   if (max_entries > 0)
      threads = 1;
   if (threads > 1)
      ROOT::EnableImplicitMT(threads);
   else
      ROOT::DisableImplicitMT();
   std::vector<std::string> names;
   std::stringstream ss(branches);
   for (std::string name; std::getline(ss, name, ',');)
      names.push_back(name);

   Result r;
   auto start = std::chrono::steady_clock::now();
   std::vector<std::pair<std::string, bool>> types;
   {
      auto f = std::unique_ptr<TFile>(TFile::Open(file.c_str()));
      if (!f || f->IsZombie())
         throw std::runtime_error("root_read: cannot open " + file);
      auto t = f->Get<TTree>(tree.c_str());
      if (!t)
         throw std::runtime_error("root_read: no tree " + tree + " in " + file);
      for (const auto &n : names) {
         auto leaf = t->GetLeaf(n.c_str());
         auto branch = t->GetBranch(n.c_str());
         if (!leaf || !branch)
            throw std::runtime_error("root_read: no branch " + n);
         types.emplace_back(leaf->GetTypeName(), leaf->GetLeafCount() != nullptr);
         r.compressed_bytes += branch->GetZipBytes();
         r.uncompressed_bytes += branch->GetTotBytes();
      }
   }
   ROOT::RDataFrame df(tree, file, names);
   ROOT::RDF::RNode node = max_entries > 0 ? ROOT::RDF::RNode(df.Range(max_entries)) : ROOT::RDF::RNode(df);
   std::vector<ROOT::RDF::RResultPtr<double>> sums;
   for (size_t i = 0; i < names.size(); ++i)
      sums.push_back(book_leaf(node, names[i], types[i].first, types[i].second));
   auto count = node.Count();
   for (auto &s : sums)
      r.checksum += s.GetValue();
   r.entries = *count;
   r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
   return r;
}

// The classic loop: SetBranchAddress on plain buffers, TTree::GetEntry per
// entry (with implicit MT on, GetEntry reads the branches in parallel).
struct Column {
   TLeaf *leaf = nullptr;
   bool array = false;
   virtual ~Column() = default;
   virtual double touch() const = 0;
};

template <typename T>
struct TypedColumn : Column {
   // Raw bytes (operator new aligns them for any T) rather than a vector<T>,
   // which would be a bit set for bool.
   std::vector<unsigned char> storage;
   const T *values() const { return reinterpret_cast<const T *>(storage.data()); }
   double touch() const override
   {
      const int n = array ? leaf->GetLen() : 1;
      const T *v = values();
      double s = array ? static_cast<double>(n) : 0.0;
      for (int i = 0; i < n; ++i)
         s += static_cast<double>(v[i]);
      return s;
   }
};

template <typename T>
std::unique_ptr<Column> make_column(TTree *t, TLeaf *leaf, bool array)
{
   auto c = std::make_unique<TypedColumn<T>>();
   c->leaf = leaf;
   c->array = array;
   // Largest length of the leaf-count branch over the tree, as ROOT records it.
   Long64_t size = array ? std::max<Long64_t>(1, leaf->GetLeafCount()->GetMaximum()) : 1;
   size *= std::max(1, leaf->GetLenStatic());
   c->storage.assign(size * sizeof(T), 0);
   t->SetBranchAddress(leaf->GetBranch()->GetName(), c->storage.data());
   return c;
}

std::unique_ptr<Column> column_for(TTree *t, TLeaf *leaf)
{
   const std::string type = leaf->GetTypeName();
   const bool array = leaf->GetLeafCount() != nullptr;
   if (type == "Bool_t") return make_column<Bool_t>(t, leaf, array);
   if (type == "Char_t") return make_column<Char_t>(t, leaf, array);
   if (type == "UChar_t") return make_column<UChar_t>(t, leaf, array);
   if (type == "Short_t") return make_column<Short_t>(t, leaf, array);
   if (type == "UShort_t") return make_column<UShort_t>(t, leaf, array);
   if (type == "Int_t") return make_column<Int_t>(t, leaf, array);
   if (type == "UInt_t") return make_column<UInt_t>(t, leaf, array);
   if (type == "Long64_t") return make_column<Long64_t>(t, leaf, array);
   if (type == "ULong64_t") return make_column<ULong64_t>(t, leaf, array);
   if (type == "Float_t") return make_column<Float_t>(t, leaf, array);
   if (type == "Double_t") return make_column<Double_t>(t, leaf, array);
   throw std::runtime_error(std::string("root_read: branch ") + leaf->GetName() + " has unsupported leaf type " +
                            type);
}

Result read_getentry(const std::string &file, const std::string &tree, const std::string &branches, int threads)
{
   if (threads > 1)
      ROOT::EnableImplicitMT(threads);
   else
      ROOT::DisableImplicitMT();
   Result r;
   auto start = std::chrono::steady_clock::now();
   auto f = std::unique_ptr<TFile>(TFile::Open(file.c_str()));
   if (!f || f->IsZombie())
      throw std::runtime_error("root_read: cannot open " + file);
   auto t = f->Get<TTree>(tree.c_str());
   if (!t)
      throw std::runtime_error("root_read: no tree " + tree + " in " + file);
   t->SetBranchStatus("*", false);
   std::vector<std::unique_ptr<Column>> columns;
   std::stringstream ss(branches);
   for (std::string name; std::getline(ss, name, ',');) {
      auto leaf = t->GetLeaf(name.c_str());
      if (!leaf)
         throw std::runtime_error("root_read: no branch " + name);
      t->SetBranchStatus(name.c_str(), true);
      if (auto count = leaf->GetLeafCount())
         t->SetBranchStatus(count->GetBranch()->GetName(), true);
      r.compressed_bytes += leaf->GetBranch()->GetZipBytes();
      r.uncompressed_bytes += leaf->GetBranch()->GetTotBytes();
      columns.push_back(column_for(t, leaf));
   }
   t->AddBranchToCache("*", true);
   const Long64_t n = t->GetEntries();
   for (Long64_t i = 0; i < n; ++i) {
      t->GetEntry(i);
      for (const auto &c : columns)
         r.checksum += c->touch();
   }
   r.entries = n;
   r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
   return r;
}

} // namespace hepkey_bench
