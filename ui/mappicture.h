#pragma once

#include <QColor>
#include <QCoreApplication>
#include <QString>

class QGraphicsScene;

namespace hopscope {

// The map as a file for a ticket or a chat channel: SVG (carrying a title and the diagnosis as
// its description) when the path ends in .svg, else PNG at twice the scene's size, so it stays
// sharp when pasted. Written through QSaveFile: a failed export leaves no half-written file.
class MapPicture {
    Q_DECLARE_TR_FUNCTIONS(MapPicture)
public:
    QString title;        // SVG only
    QString description;  // SVG only
    QColor background;    // PNG only; SVG stays transparent

    // Empty when written, else why not ("there is no map to export", the file's error).
    QString write(QGraphicsScene& scene, const QString& path) const;
};

} // namespace hopscope
