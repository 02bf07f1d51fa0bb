#pragma once
// Level schemes: the levels of the systems examdocs serves (职业技能等级 1–5 and 专项能力,
// 软考 初级/中级/高级 with their qualifications, 职称 员级 … 正高级), with the words printed for
// each. Data, not code: layouts/vocabulary/levels.json, compiled in. A layout names its
// scheme ("levels"), its level field takes the scheme's codes (rule "level"), and the
// formats level-cn and level-en print a code's words. Parsed once; immutable and shared
// between threads.
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::renderers {

struct Qualification {
    std::string zh, en;  // 系统集成项目管理工程师, System Integration Project Management Engineer
};

struct Level {
    std::string code;  // what a request sends and the registry stores: "4", "专项能力", "中级"
    int digit = 0;     // the level's digit in a certificate number; 0 for none
    std::string zh, en;  // "四级/中级工", "Level 4 / Intermediate Worker"
    std::vector<Qualification> qualifications;  // 软考: the qualifications of this level
};

struct LevelScheme {
    std::string name;    // skill | ruankao | zhicheng
    std::string zh, en;  // the scheme's own name
    std::vector<Level> levels;

    const Level* find(std::string_view code) const;
    // "一级/高级技师 (1), 二级/技师 (2), …": the codes, for messages.
    std::string codes_text() const;
};

class LevelSchemes {
  public:
    // The bundled schemes (throws LayoutError when the compiled-in file is broken).
    static const LevelSchemes& bundled();
    // Throws LayoutError naming the place that is wrong.
    static LevelSchemes parse(std::string_view json);

    const LevelScheme* find(std::string_view name) const;
    const std::vector<LevelScheme>& all() const { return schemes_; }

  private:
    std::vector<LevelScheme> schemes_;
};

}  // namespace examdocs::renderers
