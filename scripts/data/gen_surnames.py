#!/usr/bin/env python3
"""Write crates/fangxian-core/data/surnames.tsv: Chinese surnames, single and compound.

Sources:
* PyPI `Faker` 40.54.0 (MIT), `faker/providers/person/zh_CN` `last_names`: the 400 most common
  surnames with their population share in per cent (Faker cites zh.wikipedia 中国姓氏排名).
* The compound surnames (复姓) of the 百家姓 (Northern Song, public domain), listed below; their
  share is unknown (empty).

    pip install faker==40.54.0
    python3 scripts/data/gen_surnames.py > crates/fangxian-core/data/surnames.tsv
"""
import ast
import datetime
import importlib.metadata
import importlib.util
import pathlib
import sys

# 百家姓 复姓, in the text's order.
BAIJIAXING_COMPOUND = (
    "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 "
    "太叔 申屠 公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 "
    "端木 巫马 公西 漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 归海 羊舌 "
    "微生 梁丘 左丘 东门 西门 南宫 第五"
).split()


def main():
    version = importlib.metadata.version("faker")
    spec = importlib.util.find_spec("faker")
    path = pathlib.Path(spec.origin).parent / "providers" / "person" / "zh_CN" / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shares = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "last_names":
            for elt in node.value.args[0].elts:
                name, share = ast.literal_eval(elt)
                shares[name] = share
    assert len(shares) >= 300, len(shares)
    rows = [(n, f"{s:g}") for n, s in shares.items()]
    rows += [(n, "") for n in BAIJIAXING_COMPOUND if n not in shares]
    out = sys.stdout
    out.write("# Chinese surnames, single and compound.\n")
    out.write(f"# source: PyPI Faker {version} (MIT) faker/providers/person/zh_CN last_names "
              "(share in per cent, after zh.wikipedia 中国姓氏排名); 复姓 of the 百家姓 (public domain)\n")
    out.write(f"# generated: {datetime.date.today().isoformat()} by scripts/data/gen_surnames.py\n")
    out.write("# columns: surname, share_percent (empty: unknown)\n")
    for r in rows:
        out.write("\t".join(r) + "\n")
    print(f"{len(rows)} surnames", file=sys.stderr)


if __name__ == "__main__":
    main()
